package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// The plan of ncloudkms_key_acl: its one plan-time diagnostic.

// ModifyPlan warns when a create or an update leaves the ACL on with an empty allow list: no
// address then gets tokens for the key.
func (r *keyACLResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || req.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	var plan keyACLModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	if plan.Enabled.IsUnknown() || !plan.Enabled.ValueBool() || plan.AllowedIPs.IsUnknown() || len(plan.AllowedIPs.Elements()) > 0 {
		return
	}
	known := !plan.KeyTag.IsUnknown()
	key := keyRef{}
	if known {
		key = r.data.describeKey(ctx, plan.KeyTag.ValueString())
	}
	resp.Diagnostics.AddWarning(summaryKeyACLDeniesEveryAddress, aclDeniesEveryAddressDetail(key, known))
}
