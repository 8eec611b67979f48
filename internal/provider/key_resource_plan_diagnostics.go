package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// addPlanDiagnostics warns at plan time about everything risky this plan does to a key
// (DESIGN §5 "Plan-time diagnostics"). It only adds diagnostics; key_resource_plan.go shapes the
// plan. Terraform attaches the resource address to them while the resource is in the
// configuration (not after its block was removed), so each detail also names the key and tag.
func (r *keyResource) addPlanDiagnostics(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() {
		if req.Plan.Raw.IsNull() {
			return
		}
		var plan keyResourceModel
		if diags := loadKeyModel(ctx, resp.Plan.Raw, &plan); diags.HasError() {
			resp.Diagnostics.Append(diags...)
			return
		}
		// The second plan of a replacement (null prior state) must not trip over the key it replaces.
		r.checkNameForCreate(ctx, plan, replacedKeyTag(ctx, req), &resp.Diagnostics)
		return
	}

	var state keyResourceModel
	if diags := loadKeyModel(ctx, req.State.Raw, &state); diags.HasError() {
		resp.Diagnostics.Append(diags...)
		return
	}
	if req.Plan.Raw.IsNull() {
		addRemovalDiagnostics(state, removalOf(state), state.DeletionProtection.ValueBool(), &resp.Diagnostics)
		return
	}

	var plan keyResourceModel
	if diags := loadKeyModel(ctx, resp.Plan.Raw, &plan); diags.HasError() {
		resp.Diagnostics.Append(diags...)
		return
	}
	if causes := replacementCauses(state, plan); len(causes) > 0 {
		rm := removalOf(state)
		rm.Causes = causes
		if !plan.DeletionPolicy.IsUnknown() && !plan.DeletionPolicy.IsNull() &&
			deletionPolicyOf(plan.DeletionPolicy) != deletionPolicyOf(state.DeletionPolicy) {
			rm.NewPolicy = plan.DeletionPolicy.ValueString()
		}
		protected := state.DeletionProtection.ValueBool() || plan.DeletionProtection.ValueBool()
		addRemovalDiagnostics(state, rm, protected, &resp.Diagnostics)
		if !protected {
			addReplacementNameClash(state, plan, rm, &resp.Diagnostics)
		}
		return
	}

	key := keyRef{Name: state.Name.ValueString(), Tag: state.KeyTag.ValueString()}
	if state.Status.ValueString() == kmsapi.StatusRevoke {
		enable := plan.Enabled.IsUnknown() || plan.Enabled.ValueBool()
		resp.Diagnostics.AddWarning(summaryPendingKeyWillBeRestored, restoreWarningDetail(key, pendingUntil(state), enable))
	}
	if isRename(state.Name, plan.Name) {
		r.checkNameForRename(ctx, key, plan.Name.ValueString(), &resp.Diagnostics)
	}
}

// removalOf describes the key in state for the destroy and replacement diagnostics.
func removalOf(state keyResourceModel) removal {
	rm := removal{Key: keyRef{Name: state.Name.ValueString(), Tag: state.KeyTag.ValueString()}}
	if state.Status.ValueString() == kmsapi.StatusRevoke {
		rm.PendingUntil = pendingUntil(state)
	}
	return rm
}

func pendingUntil(state keyResourceModel) string {
	if state.DeletionScheduledFor.IsNull() || state.DeletionScheduledFor.ValueString() == "" {
		return "an unknown date"
	}
	return state.DeletionScheduledFor.ValueString()
}

// addRemovalDiagnostics reports what destroying or replacing the key does. The policy in
// state decides it, because Delete receives the state, not the plan.
func addRemovalDiagnostics(state keyResourceModel, rm removal, protected bool, diags *diag.Diagnostics) {
	if protected {
		diags.AddError(summaryKeyDeletionProtected, protectionErrorDetail(rm))
		return
	}
	switch deletionPolicyOf(state.DeletionPolicy) {
	case deletionPolicyAbandon:
		diags.AddWarning(summaryKeyWillBeAbandoned, abandonWarningDetail(rm))
	case deletionPolicySchedule:
		diags.AddWarning(summaryKeyWillBeScheduled, scheduleWarningDetail(rm, time.Now().Add(deletionDelay)))
	default:
		diags.AddWarning(summaryKeyWillBeDeleted, deleteWarningDetail(rm))
	}
}

// addReplacementNameClash reports a replacement that keeps the name while the old key survives
// its removal (SCHEDULE keeps it pending, ABANDON keeps it): the create would then fail on the
// name after the old key has already been given up.
func addReplacementNameClash(state, plan keyResourceModel, rm removal, diags *diag.Diagnostics) {
	policy := deletionPolicyOf(state.DeletionPolicy)
	if policy == deletionPolicyDelete || plan.Name.IsUnknown() || !strings.EqualFold(plan.Name.ValueString(), state.Name.ValueString()) {
		return
	}
	summary := summaryKeyNameInUse
	if policy == deletionPolicySchedule {
		summary = summaryKeyNameHeldByPending
	}
	diags.AddError(summary, replacementNameClashDetail(rm, policy, plan.Name.ValueString()))
}

// replacementCauses lists the create-only attributes that change (or are not known yet),
// each as `name before → after`. An empty list means an in-place plan.
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

func isRename(before, after types.String) bool {
	return !after.IsUnknown() && !after.IsNull() && after.ValueString() != before.ValueString()
}

// checkNameForCreate reports a name that an existing key holds; creating it would fail.
// replacedTag is the key a replacement removes; it does not count as a holder.
func (r *keyResource) checkNameForCreate(ctx context.Context, plan keyResourceModel, replacedTag string, diags *diag.Diagnostics) {
	if plan.Name.IsUnknown() || plan.Name.IsNull() {
		return
	}
	name := plan.Name.ValueString()
	holder := r.nameHolder(ctx, name, replacedTag, diags)
	if holder == nil {
		return
	}
	if holder.Status != kmsapi.StatusRevoke {
		diags.AddError(summaryKeyNameInUse, nameInUseDetail(name, *holder))
		return
	}
	switch {
	case plan.RestoreIfPending.IsUnknown():
		// Known at apply time; Create then adopts the key or fails with the API's conflict.
	case plan.RestoreIfPending.ValueBool():
		diags.AddWarning(summaryPendingKeyWillBeAdopted, adoptWarningDetail(name, *holder))
	default:
		diags.AddError(summaryKeyNameHeldByPending, nameHeldDetail(name, *holder, nil))
	}
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
		if isUnauthenticated(err) {
			diags.AddError(summaryAuthenticationFailed,
				authenticationFailedDetail(fmt.Sprintf("list the keys of this account to check that the name %q is free", name), err))
			return nil
		}
		diags.AddWarning(summaryKeyNameCheckFailed, nameCheckFailedDetail(name, err))
		return nil
	}
	for _, listed := range keys {
		if !strings.EqualFold(listed.KeyName, name) || strings.EqualFold(listed.KeyTag, exceptTag) ||
			r.data.incompleteCreates.Has(listed.KeyTag) {
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
