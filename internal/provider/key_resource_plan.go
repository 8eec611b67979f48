package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// ModifyPlan predicts the computed attributes the API will report, then adds the plan-time
// diagnostics about deletion and name clashes. It decodes the plan and the state once.
func (r *keyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() {
		if req.Plan.Raw.IsNull() {
			return
		}
		var plan keyResourceModel
		if resp.Diagnostics.Append(loadKeyModel(ctx, req.Plan.Raw, &plan)...); resp.Diagnostics.HasError() {
			return
		}
		shapeCreatePlan(&plan)
		resp.Diagnostics.Append(storeKeyModel(ctx, &resp.Plan.Raw, &plan)...)
		r.planCreate(ctx, req, resp, plan)
		return
	}

	var state keyResourceModel
	if resp.Diagnostics.Append(loadKeyModel(ctx, req.State.Raw, &state)...); resp.Diagnostics.HasError() {
		return
	}
	prior := replacedKeyOf(state)
	if r.stateKeys().PlannedWithPrior(prior) {
		resp.Diagnostics.AddError(summaryKeyNameInUse, nameClaimedByCreateDetail(prior.ref()))
		return
	}
	if req.Plan.Raw.IsNull() {
		addRemovalDiagnostics(prior.DeletionPolicy, removalOf(state), prior.DeletionProtection, &resp.Diagnostics)
		prior.Announced = true // Delete checks that the plan announced the removal
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, replacedKeyPrivateKey, encodeReplacedKey(prior))...)
		return
	}

	// Terraform may yet replace the key (-replace, replace_triggered_by): its create plan then
	// receives this private data and learns which key it replaces.
	if planKeepsKeyAsIs(req, state) {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, replacedKeyPrivateKey, encodeReplacedKey(prior))...)
		return
	}
	var plan keyResourceModel
	if resp.Diagnostics.Append(loadKeyModel(ctx, req.Plan.Raw, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	shapeUpdatePlan(state, &plan)
	resp.Diagnostics.Append(storeKeyModel(ctx, &resp.Plan.Raw, &plan)...)

	causes := replacementCauses(state, plan)
	prior.Announced = len(causes) > 0
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, replacedKeyPrivateKey, encodeReplacedKey(prior))...)
	if prior.Announced {
		rm := removalOf(state)
		rm.Causes = causes
		addReplacementDiagnostics(prior, rm, plan, warnReplacement, &resp.Diagnostics)
		return
	}
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
