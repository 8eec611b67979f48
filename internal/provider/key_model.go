package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// The key's model and its API mapping: what the API says about a key, in the resource's and the
// data source's attributes, and what the resource sends.

// keyModel is what the API knows about a key, as both the key resource and the key data
// source hold it.
type keyModel struct {
	ID                   types.String `tfsdk:"id"`
	KeyTag               types.String `tfsdk:"key_tag"`
	Name                 types.String `tfsdk:"name"`
	Type                 types.String `tfsdk:"type"`
	ProtectionType       types.String `tfsdk:"protection_type"`
	Memo                 types.String `tfsdk:"memo"`
	Convergent           types.Bool   `tfsdk:"convergent"`
	RotationPeriodDays   types.Int64  `tfsdk:"rotation_period_days"`
	Enabled              types.Bool   `tfsdk:"enabled"`
	Status               types.String `tfsdk:"status"`
	CurrentVersion       types.Int64  `tfsdk:"current_version"`
	NRN                  types.String `tfsdk:"nrn"`
	CreatedAt            types.String `tfsdk:"created_at"`
	NextRotationAt       types.String `tfsdk:"next_rotation_at"`
	DeletionScheduledFor types.String `tfsdk:"deletion_scheduled_for"`
}

// keyResourceModel is the state and plan of ncloudkms_key: what the API knows about the key,
// plus the settings that live in the Terraform state only.
type keyResourceModel struct {
	keyModel
	DeletionPolicy     types.String `tfsdk:"deletion_policy"`
	DeletionProtection types.Bool   `tfsdk:"deletion_protection"`
	// RefuseDeletionIfUsedWithin is a Go duration; null turns the guard off.
	RefuseDeletionIfUsedWithin types.String `tfsdk:"refuse_deletion_if_used_within"`
	// RotationTriggers: any change rotates the key once, in place.
	RotationTriggers types.Map `tfsdk:"rotation_triggers"`
	// DisabledVersions is the set of disabled versions; null leaves version states alone.
	DisabledVersions types.Set      `tfsdk:"disabled_versions"`
	Timeouts         timeouts.Value `tfsdk:"timeouts"`
	RestoreIfPending types.Bool     `tfsdk:"restore_if_pending"`
}

// setFromKey copies what the API knows about a key (Get Key Info) into the model.
func (m *keyModel) setFromKey(key *kmsapi.Key) {
	m.ID = types.StringValue(key.KeyTag)
	m.KeyTag = types.StringValue(key.KeyTag)
	m.Name = types.StringValue(key.KeyName)
	m.Type = types.StringValue(key.KeyType)
	m.ProtectionType = types.StringValue(key.ProtectionType)
	m.Memo = types.StringValue(key.Memo)
	m.Convergent = types.BoolValue(key.IsConvergent)
	m.Status = types.StringValue(key.Status)
	// A key pending deletion cannot be used, so it reads as disabled.
	m.Enabled = types.BoolValue(key.Status == kmsapi.StatusEnable)
	m.CurrentVersion = types.Int64Value(key.CurrentVersion)
	m.NRN = stringOrNull(key.NRN)
	m.CreatedAt = timestampOrNull(key.RegisterDate)
	m.setRotation(key.IsAutoRotation, key.RotationPeriod, key.NextRotationDate)
	if key.Status == kmsapi.StatusRevoke {
		m.DeletionScheduledFor = timestampOrNull(key.DestroyDate)
	} else {
		m.DeletionScheduledFor = types.StringNull()
	}
}

// setRotation records the automatic-rotation settings; both attributes are null while it is off.
func (m *keyModel) setRotation(on bool, periodDays, nextRotationMillis int64) {
	if !on {
		m.RotationPeriodDays = types.Int64Null()
		m.NextRotationAt = types.StringNull()
		return
	}
	m.RotationPeriodDays = types.Int64Value(periodDays)
	m.NextRotationAt = timestampOrNull(nextRotationMillis)
}

// setStatus records a status reached by a call and the enabled flag it implies.
func (m *keyModel) setStatus(status string) {
	m.Status = types.StringValue(status)
	m.Enabled = types.BoolValue(status == kmsapi.StatusEnable)
	if status != kmsapi.StatusRevoke {
		m.DeletionScheduledFor = types.StringNull()
	}
}

// defaultStateOnlyAttributes fills the attributes the API does not know about when they are
// null, as they are after an import, with the provider's deletion defaults.
func (m *keyResourceModel) defaultStateOnlyAttributes(defaults deletionDefaults) {
	if m.DeletionPolicy.IsNull() || m.DeletionPolicy.IsUnknown() {
		m.DeletionPolicy = types.StringValue(defaults.Policy)
	}
	if m.DeletionProtection.IsNull() || m.DeletionProtection.IsUnknown() {
		m.DeletionProtection = types.BoolValue(defaults.Protection)
	}
	if m.RestoreIfPending.IsNull() || m.RestoreIfPending.IsUnknown() {
		m.RestoreIfPending = types.BoolValue(defaultRestoreIfPending)
	}
}

// setImportedKey records in target, a resource of the key resource's schema, what an import of key
// followed by a refresh records: the key tag (ImportState), then Read's mapping (setFromKey). The
// state-only arguments stay null instead of taking their defaults: Terraform leaves a null
// optional and computed attribute out of the configuration it generates, which then keeps the
// provider's defaults (DESIGN.md §6b) instead of writing down today's.
func setImportedKey(ctx context.Context, target *tfsdk.Resource, key *kmsapi.Key) diag.Diagnostics {
	diags := target.SetAttribute(ctx, path.Root("key_tag"), key.KeyTag)
	var state keyResourceModel
	if diags.Append(target.Get(ctx, &state)...); diags.HasError() {
		return diags
	}
	state.setFromKey(key)
	return append(diags, target.Set(ctx, &state)...)
}

// copyStateOnlyAttributes takes the attributes only Terraform knows about from the plan.
func (m *keyResourceModel) copyStateOnlyAttributes(plan keyResourceModel) {
	m.DeletionPolicy = plan.DeletionPolicy
	m.DeletionProtection = plan.DeletionProtection
	m.RefuseDeletionIfUsedWithin = plan.RefuseDeletionIfUsedWithin
	m.Timeouts = plan.Timeouts
	m.RestoreIfPending = plan.RestoreIfPending
}

// createKeyInput is the Create Key body (§2.1): rotation from rotation_period_days, protection type always sent.
func createKeyInput(plan keyResourceModel) kmsapi.CreateKeyInput {
	in := kmsapi.CreateKeyInput{
		KeyName:        plan.Name.ValueString(),
		KeyType:        plan.Type.ValueString(),
		Memo:           plan.Memo.ValueString(),
		IsConvergent:   plan.Convergent.ValueBool(),
		ProtectionType: plan.ProtectionType.ValueString(),
	}
	if !plan.RotationPeriodDays.IsNull() {
		in.IsAutoRotation = true
		in.RotationPeriod = plan.RotationPeriodDays.ValueInt64()
	}
	return in
}

// stateAfterCreate is what is known right after POST /keys: the planned settings plus the create
// answer. Values only Get Key Info reports stay null, since a saved state may hold no unknowns.
func stateAfterCreate(plan keyResourceModel, created *kmsapi.Key) keyResourceModel {
	state := plan
	state.ID = types.StringValue(created.KeyTag)
	state.KeyTag = types.StringValue(created.KeyTag)
	state.setStatus(statusOr(created.Status, kmsapi.StatusEnable))
	state.NRN = stringOrNull(created.NRN)
	state.CreatedAt = timestampOrNull(created.RegisterDate)
	state.CurrentVersion = types.Int64Null()
	if created.CurrentVersion != 0 {
		state.CurrentVersion = types.Int64Value(created.CurrentVersion)
	}
	state.NextRotationAt = types.StringNull()
	if created.IsAutoRotation {
		state.NextRotationAt = timestampOrNull(created.NextRotationDate)
	}
	return state
}

// adoptionMismatch names the create-only attributes in which a pending key differs from the plan.
func adoptionMismatch(key *kmsapi.Key, plan keyResourceModel) string {
	var diffs []string
	if key.KeyType != plan.Type.ValueString() {
		diffs = append(diffs, fmt.Sprintf("its type is %q, not %q", key.KeyType, plan.Type.ValueString()))
	}
	if key.ProtectionType != plan.ProtectionType.ValueString() {
		diffs = append(diffs, fmt.Sprintf("its protection type is %q, not %q", key.ProtectionType, plan.ProtectionType.ValueString()))
	}
	if key.IsConvergent != plan.Convergent.ValueBool() {
		diffs = append(diffs, fmt.Sprintf("its convergent setting is %t, not %t", key.IsConvergent, plan.Convergent.ValueBool()))
	}
	return strings.Join(diffs, " and ")
}

// statusOr returns the status an answer reported, or the one the call implies when the answer omits it.
func statusOr(reported, implied string) string {
	if reported == "" {
		return implied
	}
	return reported
}

// periodOr returns the period an answer reported, or the requested one when the answer omits it.
func periodOr(reported, requested int64) int64 {
	if reported == 0 {
		return requested
	}
	return reported
}

// deletionPolicyOf reads the recorded policy; an empty one (older state) means the default.
func deletionPolicyOf(policy types.String) string {
	if policy.IsNull() || policy.IsUnknown() || policy.ValueString() == "" {
		return defaultDeletionPolicy
	}
	return policy.ValueString()
}

func timestampOrNull(millis int64) types.String {
	if millis == 0 {
		return types.StringNull()
	}
	return types.StringValue(formatMillis(millis))
}

func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// formatTime renders a time the way the resource's attributes do: RFC 3339 in UTC.
func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// formatMillis renders a wire timestamp, or says that the API gave none.
func formatMillis(ms int64) string {
	if ms == 0 {
		return unknownDate
	}
	return formatTime(kmsapi.MillisToTime(ms))
}
