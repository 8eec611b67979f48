package provider

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

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
// null, as they are after an import.
func (m *keyResourceModel) defaultStateOnlyAttributes() {
	if m.DeletionPolicy.IsNull() || m.DeletionPolicy.IsUnknown() {
		m.DeletionPolicy = types.StringValue(defaultDeletionPolicy)
	}
	if m.DeletionProtection.IsNull() || m.DeletionProtection.IsUnknown() {
		m.DeletionProtection = types.BoolValue(defaultDeletionProtection)
	}
	if m.RestoreIfPending.IsNull() || m.RestoreIfPending.IsUnknown() {
		m.RestoreIfPending = types.BoolValue(defaultRestoreIfPending)
	}
}

// formatTimestamp renders a wire timestamp (epoch milliseconds) as RFC 3339 in UTC.
func formatTimestamp(millis int64) string {
	return kmsapi.MillisToTime(millis).Format(time.RFC3339)
}

func timestampOrNull(millis int64) types.String {
	if millis == 0 {
		return types.StringNull()
	}
	return types.StringValue(formatTimestamp(millis))
}

func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// copyStateOnlyAttributes takes the attributes only Terraform knows about from the plan.
func (m *keyResourceModel) copyStateOnlyAttributes(plan keyResourceModel) {
	m.DeletionPolicy = plan.DeletionPolicy
	m.DeletionProtection = plan.DeletionProtection
	m.RestoreIfPending = plan.RestoreIfPending
}
