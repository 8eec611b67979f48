package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// The plan of ncloudkms_key: the computed values it predicts, and the plan-time diagnostics
// (DESIGN.md "Plan-time diagnostics"). What a plan says and records about removing the key: the
// removal protocol, key_removal.go.

// ModifyPlan predicts the computed attributes the API will report, then adds the plan-time
// diagnostics about deletion and name clashes. It decodes the plan and the state once.
func (r *keyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() {
		if req.Plan.Raw.IsNull() {
			return
		}
		var plan keyResourceModel
		if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
			return
		}
		shapeCreatePlan(&plan)
		r.plannedKeyDeletionSettings(ctx, req.Config, nil, &resp.Diagnostics).applyTo(&plan)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		r.planCreate(ctx, req, resp, plan)
		return
	}

	var state keyResourceModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	prior := removalRecordOf(state)
	if r.stateKeys().PlannedWithPrior(prior) {
		resp.Diagnostics.AddError(summaryKeyNameInUse, nameClaimedByCreateDetail(prior.ref()))
		return
	}
	if req.Plan.Raw.IsNull() {
		r.announceDestroy(ctx, state, prior, resp)
		return
	}

	// A new provider default changes the deletion settings of a key that sets none: an update.
	settings := r.plannedKeyDeletionSettings(ctx, req.Config, &state, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if planKeepsKeyAsIs(req, state) && settings.recordedIn(state) {
		recordUnannounced(ctx, prior, resp)
		return
	}
	var plan keyResourceModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	settings.applyTo(&plan)
	shapeUpdatePlan(state, &plan)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)

	if causes := replacementCauses(state, plan); len(causes) > 0 {
		r.announceReplacement(ctx, state, prior, causes, &plan, resp)
		return
	}
	recordUnannounced(ctx, prior, resp)
	r.addUpdateDiagnostics(ctx, state, plan, &resp.Diagnostics)
}

// planKeepsKeyAsIs reports a plan identical to the state of a key that is not pending deletion:
// nothing to predict and nothing risky to report. It is most plans of a large configuration.
func planKeepsKeyAsIs(req resource.ModifyPlanRequest, state keyResourceModel) bool {
	return req.Plan.Raw.Equal(req.State.Raw) && state.Status.ValueString() != kmsapi.StatusRevoke
}

// shapeCreatePlan predicts what Create leaves: an enabled or disabled key, never pending deletion.
func shapeCreatePlan(plan *keyResourceModel) {
	plan.Status = plannedStatus(plan.Enabled)
	plan.DeletionScheduledFor = types.StringNull()
	plan.NextRotationAt = types.StringUnknown()
	if plan.RotationPeriodDays.IsNull() {
		plan.NextRotationAt = types.StringNull()
	}
}

// shapeUpdatePlan predicts what Update leaves; a deletion pending on the key is cancelled.
func shapeUpdatePlan(state keyResourceModel, plan *keyResourceModel) {
	plan.Status = plannedStatus(plan.Enabled)
	plan.DeletionScheduledFor = types.StringNull()
	plan.CurrentVersion = state.CurrentVersion
	if rotationTriggered(state.RotationTriggers, plan.RotationTriggers) {
		plan.CurrentVersion = types.Int64Unknown()
	}
	switch {
	case plan.RotationPeriodDays.IsUnknown():
		plan.NextRotationAt = types.StringUnknown()
	case plan.RotationPeriodDays.IsNull():
		plan.NextRotationAt = types.StringNull()
	case plan.RotationPeriodDays.Equal(state.RotationPeriodDays):
		plan.NextRotationAt = state.NextRotationAt
	default:
		plan.NextRotationAt = types.StringUnknown()
	}
}

// plannedStatus is the status Create or Update leaves the key in.
func plannedStatus(enabled types.Bool) types.String {
	switch {
	case enabled.IsUnknown():
		return types.StringUnknown()
	case enabled.ValueBool():
		return types.StringValue(kmsapi.StatusEnable)
	default:
		return types.StringValue(kmsapi.StatusDisable)
	}
}

// replacementCauses lists the create-only attributes that change (or are not known yet),
// each as `name changes from before to after`. An empty list means an in-place plan.
func replacementCauses(state, plan keyResourceModel) []string {
	var causes []string
	for _, a := range []struct {
		name          string
		before, after attr.Value
	}{
		{"type", state.Type, plan.Type},
		{"protection_type", state.ProtectionType, plan.ProtectionType},
		{"convergent", state.Convergent, plan.Convergent},
	} {
		switch {
		case a.after.IsUnknown():
			causes = append(causes, a.name+" is known only at apply time and may change")
		case a.after.IsNull() || a.before.IsNull() || a.after.Equal(a.before):
		default:
			causes = append(causes, fmt.Sprintf("%s changes from %s to %s", a.name, a.before, a.after))
		}
	}
	return causes
}

// rotationChangeNeedsEnabledKey refuses to turn auto-rotation on or change its period on a key
// that is and stays disabled: the API accepts those calls only on an ENABLE key.
func rotationChangeNeedsEnabledKey(state, plan keyResourceModel) diag.Diagnostics {
	var diags diag.Diagnostics
	staysDisabled := state.Status.ValueString() != kmsapi.StatusEnable && !plan.Enabled.IsUnknown() && !plan.Enabled.ValueBool()
	rotationChanges := !plan.RotationPeriodDays.IsNull() && !plan.RotationPeriodDays.IsUnknown() &&
		!plan.RotationPeriodDays.Equal(state.RotationPeriodDays)
	if staysDisabled && rotationChanges {
		diags.AddAttributeError(path.Root("rotation_period_days"), "Automatic rotation needs an enabled key",
			fmt.Sprintf("Key %s is disabled and the plan keeps it disabled, but NCloud KMS turns automatic "+
				"rotation on or changes its period only on an enabled key. Set enabled = true (you may disable the key "+
				"again in a later apply), or leave rotation_period_days unchanged.",
				keyRef{Name: state.Name.ValueString(), Tag: state.KeyTag.ValueString()}))
	}
	return diags
}

// planCreate adds the diagnostics of a create plan (DESIGN.md "Plan-time diagnostics"). A create
// may replace a key of this configuration (key_removal.go): its plan then says what
// happens to that key, exactly as a replacement that the configuration forces does.
func (r *keyResource) planCreate(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, plan keyResourceModel) {
	diags := &resp.Diagnostics
	addVersionDiagnostics(nil, plan, diags)
	if replaced, ok := keyRemovalRecord.Get(ctx, req.Private); ok {
		if r.refuseUnannouncedReplacement(ctx, replaced, plan, diags) {
			return
		}
		r.checkNameForCreate(ctx, plan, replaced.Tag, resp, diags)
		return
	}
	r.checkNameForCreate(ctx, plan, "", resp, diags)
}

// addUpdateDiagnostics reports an in-place plan: a pending key that is restored, a rename to a
// name another key holds, and rotation changes the API refuses.
func (r *keyResource) addUpdateDiagnostics(ctx context.Context, state, plan keyResourceModel, diags *diag.Diagnostics) {
	diags.Append(rotationChangeNeedsEnabledKey(state, plan)...)
	addVersionDiagnostics(&state, plan, diags)
	key := keyRef{Name: state.Name.ValueString(), Tag: state.KeyTag.ValueString()}
	if state.Status.ValueString() == kmsapi.StatusRevoke {
		enable := plan.Enabled.IsUnknown() || plan.Enabled.ValueBool()
		diags.AddWarning(summaryPendingKeyWillBeRestored, restoreWarningDetail(key, pendingUntil(state), enable))
	}
	if isRename(state.Name, plan.Name) {
		r.checkNameForRename(ctx, key, plan.Name.ValueString(), diags)
	}
}

func pendingUntil(state keyResourceModel) string {
	if state.DeletionScheduledFor.IsNull() || state.DeletionScheduledFor.ValueString() == "" {
		return unknownDate
	}
	return state.DeletionScheduledFor.ValueString()
}

func isRename(before, after types.String) bool {
	return !after.IsUnknown() && !after.IsNull() && after.ValueString() != before.ValueString()
}

// checkNameForCreate reports a name that an existing key holds; creating it would fail.
// replacedTag is the key a replacement removes; it does not count as a holder. A holder that
// is a tainted key of this configuration's state is the key this create replaces.
func (r *keyResource) checkNameForCreate(ctx context.Context, plan keyResourceModel, replacedTag string,
	resp *resource.ModifyPlanResponse, diags *diag.Diagnostics) {
	if plan.Name.IsUnknown() || plan.Name.IsNull() {
		return
	}
	name := plan.Name.ValueString()
	holder := r.nameHolder(ctx, name, replacedTag, diags)
	if holder == nil {
		return
	}
	if replacedTag == "" {
		if tainted, ok := r.stateKeys().ClaimTainted(holder.KeyTag); ok {
			r.announceTaintedReplacement(ctx, tainted, holder, plan, resp, diags)
			return
		}
	}
	if holder.Status != kmsapi.StatusRevoke {
		diags.AddError(summaryKeyNameInUse, nameInUseDetail(name, *holder))
		return
	}
	switch {
	case plan.RestoreIfPending.IsUnknown():
		// Known at apply time; Create then adopts the key or fails with the API's conflict.
	case plan.RestoreIfPending.ValueBool():
		if mismatch := adoptionMismatch(holder, plan); mismatch != "" {
			diags.AddAttributeError(path.Root("restore_if_pending"), summaryPendingKeyCannotBeAdopted,
				cannotAdoptDetail(*holder, mismatch))
			return
		}
		diags.AddWarning(summaryPendingKeyWillBeAdopted, adoptWarningDetail(name, *holder))
	default:
		diags.AddError(summaryKeyNameHeldByPending, nameHeldDetail(name, *holder, nil))
	}
}

// stateKeys is the process's record of the keys in this configuration's state, or nil before
// the provider is configured.
func (r *keyResource) stateKeys() *stateKeys {
	if r.data == nil {
		return nil
	}
	return r.data.stateKeys
}

// checkNameForRename reports a new name that another key holds; the rename would fail.
func (r *keyResource) checkNameForRename(ctx context.Context, key keyRef, newName string, diags *diag.Diagnostics) {
	holder := r.nameHolder(ctx, newName, key.Tag, diags)
	if holder == nil {
		return
	}
	if holder.Status == kmsapi.StatusRevoke {
		diags.AddError(summaryKeyNameHeldByPending, nameHeldDetail(newName, *holder, &key))
		return
	}
	diags.AddError(summaryKeyNameInUse, renameInUseDetail(key, newName, *holder))
}

// nameHolder finds the key other than exceptTag that holds name (ignoring case), using the
// list taken once per provider process. A hit is read again, because within one apply the
// list may predate a deletion (a replacement deletes the old key before it creates the new one).
// Without provider configuration it finds nothing and calls nothing.
func (r *keyResource) nameHolder(ctx context.Context, name, exceptTag string, diags *diag.Diagnostics) *kmsapi.Key {
	if r.data == nil || r.data.keyNames == nil {
		return nil
	}
	keys, err := r.data.keyNames.Keys(ctx)
	if err != nil {
		if kmsapi.IsUnauthenticated(err) {
			diags.AddError(summaryAuthenticationFailed,
				authenticationFailedDetail(fmt.Sprintf("list the keys of this account to check that the name %q is free", name), err))
			return nil
		}
		diags.AddWarning(summaryKeyNameCheckFailed, nameCheckFailedDetail(name, err))
		return nil
	}
	for _, listed := range keys {
		if !strings.EqualFold(listed.KeyName, name) || strings.EqualFold(listed.KeyTag, exceptTag) {
			continue
		}
		current, err := r.data.client.GetKey(ctx, listed.KeyTag)
		switch {
		case kmsapi.IsNotFound(err):
			continue
		case err != nil:
			return &listed // the listing is the best knowledge there is
		case !strings.EqualFold(current.KeyName, name):
			continue
		}
		return current
	}
	return nil
}
