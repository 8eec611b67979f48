package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// replacedKeyTagPrivateKey marks a plan that replaces a key. Terraform plans a replacement a second
// time as a create with a null prior state but hands over this private data, so the create plan
// can tell the key it replaces from a foreign key of the same name.
const replacedKeyTagPrivateKey = "replaces_key_tag"

// ModifyPlan predicts the computed attributes the API will report, then adds the plan-time
// diagnostics about deletion and name clashes.
func (r *keyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if planKeepsKeyAsIs(ctx, req) {
		return
	}
	if !req.Plan.Raw.IsNull() {
		r.shapePlan(ctx, req, resp)
	}
	r.addPlanDiagnostics(ctx, req, resp)
}

// planKeepsKeyAsIs reports a plan identical to the state of a key that is not pending deletion:
// nothing to predict and nothing risky to report. It is most plans of a large configuration, and
// skipping the model decodes of the rest of ModifyPlan saves real CPU per key.
func planKeepsKeyAsIs(ctx context.Context, req resource.ModifyPlanRequest) bool {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || !req.Plan.Raw.Equal(req.State.Raw) {
		return false
	}
	var state keyResourceModel
	if diags := loadKeyModel(ctx, req.State.Raw, &state); diags.HasError() {
		return false
	}
	return state.Status.ValueString() != kmsapi.StatusRevoke
}

func (r *keyResource) shapePlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var plan keyResourceModel
	resp.Diagnostics.Append(loadKeyModel(ctx, req.Plan.Raw, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// Create and Update always leave the key ENABLE or DISABLE: a deletion pending on it is cancelled.
	plan.Status = plannedStatus(plan.Enabled)
	plan.DeletionScheduledFor = types.StringNull()

	if req.State.Raw.IsNull() {
		plan.NextRotationAt = types.StringUnknown()
		if plan.RotationPeriodDays.IsNull() {
			plan.NextRotationAt = types.StringNull()
		}
		resp.Diagnostics.Append(storeKeyModel(ctx, &resp.Plan.Raw, &plan)...)
		return
	}

	var state keyResourceModel
	resp.Diagnostics.Append(loadKeyModel(ctx, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

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

	if planReplacesKey(state, plan) {
		tag, err := json.Marshal(state.KeyTag.ValueString())
		if err == nil {
			resp.Diagnostics.Append(resp.Private.SetKey(ctx, replacedKeyTagPrivateKey, tag)...)
		}
	} else {
		resp.Diagnostics.Append(rotationChangeNeedsEnabledKey(state, plan)...)
	}
	resp.Diagnostics.Append(storeKeyModel(ctx, &resp.Plan.Raw, &plan)...)
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

// planReplacesKey reports whether the plan changes an attribute that only a new key can have.
func planReplacesKey(state, plan keyResourceModel) bool {
	return valueChanges(state.Type, plan.Type) || valueChanges(state.ProtectionType, plan.ProtectionType) ||
		valueChanges(state.Convergent, plan.Convergent)
}

func valueChanges(before, after attr.Value) bool {
	return after.IsUnknown() || !after.Equal(before)
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

// replacedKeyTag returns the tag of the key that a create plan replaces, or "" when the plan
// creates a key that replaces nothing (or the replacement was forced by a taint).
func replacedKeyTag(ctx context.Context, req resource.ModifyPlanRequest) string {
	if req.Private == nil {
		return ""
	}
	raw, diags := req.Private.GetKey(ctx, replacedKeyTagPrivateKey)
	if diags.HasError() || len(raw) == 0 {
		return ""
	}
	var tag string
	if err := json.Unmarshal(raw, &tag); err != nil {
		return ""
	}
	return tag
}
