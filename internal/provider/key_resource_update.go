package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// Update brings the key to the plan with the fewest calls and no GET: the new state is built
// from the call answers and the plan. Changing only state-only attributes makes no call.
func (r *keyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state keyResourceModel
	resp.Diagnostics.Append(loadKeyModel(ctx, req.Plan.Raw, &plan)...)
	resp.Diagnostics.Append(loadKeyModel(ctx, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	state.copyStateOnlyAttributes(plan)

	if keyNeedsCalls(state, plan) {
		client := r.requireClient(&resp.Diagnostics)
		if client == nil {
			return
		}
		if err := convergeKey(ctx, client, &state, plan); err != nil {
			saveStateAfterFailure(ctx, state, &resp.State, &resp.Diagnostics, err.summary,
				fmt.Sprintf("Updating key %s stopped part-way: %s. The state records the changes made so far; apply again to finish.",
					keyRef{Name: state.Name.ValueString(), Tag: state.KeyTag.ValueString()}, err.step), err.cause)
			return
		}
	}
	// The plan's replaced-key record (key_replacement.go) is for plans only, not for the state.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, replacedKeyPrivateKey, nil)...)
	resp.Diagnostics.Append(storeKeyModel(ctx, &resp.State.Raw, &state)...)
}

// keyNeedsCalls reports whether the key itself differs from the plan (as opposed to state-only attributes).
func keyNeedsCalls(state, plan keyResourceModel) bool {
	return state.Status.ValueString() == kmsapi.StatusRevoke ||
		!state.Enabled.Equal(plan.Enabled) || state.Status.ValueString() != plannedStatus(plan.Enabled).ValueString() ||
		!state.Name.Equal(plan.Name) || !state.Memo.Equal(plan.Memo) ||
		!state.RotationPeriodDays.Equal(plan.RotationPeriodDays)
}

// convergeStepError says which step of convergeKey failed.
type convergeStepError struct {
	summary string // diagnostic summary naming the action
	step    string // what could not be done, for the detail
	cause   error
}

// convergeKey makes the calls that take the key from state to plan, in this order: cancel a pending
// deletion; enable; rename; memo; auto-rotation; disable last, since rotation calls need an enabled
// key. Each answer is recorded in state, so after a failure state holds what was reached.
func convergeKey(ctx context.Context, client *kmsapi.Client, state *keyResourceModel, plan keyResourceModel) *convergeStepError {
	tag := state.KeyTag.ValueString()
	wantEnabled := plan.Enabled.ValueBool()

	if state.Status.ValueString() == kmsapi.StatusRevoke {
		change, err := client.CancelDeletion(ctx, tag)
		if err != nil {
			return &convergeStepError{"Key restore failed", "the pending deletion could not be cancelled", err}
		}
		state.setStatus(statusOr(change.Status, kmsapi.StatusDisable))
	}

	// Rotation calls other than "off" are accepted only on an enabled key. A plan never asks for them
	// on a key that stays disabled (ModifyPlan refuses it); adopting a pending key may, so enable it
	// for the duration and disable it again below.
	if (wantEnabled || rotationNeedsEnabledKey(*state, plan)) && state.Status.ValueString() != kmsapi.StatusEnable {
		change, err := client.EnableKey(ctx, tag)
		if err != nil {
			return &convergeStepError{"Key enable failed", "the key could not be enabled", err}
		}
		state.setStatus(statusOr(change.Status, kmsapi.StatusEnable))
	}

	if !state.Name.Equal(plan.Name) {
		if err := client.RenameKey(ctx, tag, plan.Name.ValueString()); err != nil {
			return &convergeStepError{"Key rename failed", fmt.Sprintf("the key could not be renamed to %q", plan.Name.ValueString()), err}
		}
		state.Name = plan.Name
	}

	if !state.Memo.Equal(plan.Memo) {
		if err := client.UpdateMemo(ctx, tag, plan.Memo.ValueString()); err != nil {
			return &convergeStepError{"Key memo update failed", "the memo could not be changed", err}
		}
		state.Memo = plan.Memo
	}

	if err := convergeRotation(ctx, client, state, plan); err != nil {
		return err
	}

	if !wantEnabled && state.Status.ValueString() == kmsapi.StatusEnable {
		change, err := client.DisableKey(ctx, tag)
		if err != nil {
			return &convergeStepError{"Key disable failed", "the key could not be disabled", err}
		}
		state.setStatus(statusOr(change.Status, kmsapi.StatusDisable))
	}
	return nil
}

// rotationNeedsEnabledKey reports whether reaching the planned rotation needs enable-auto-rotation
// or rotation-period, the calls NCloud accepts only on an ENABLE key.
func rotationNeedsEnabledKey(state, plan keyResourceModel) bool {
	return !plan.RotationPeriodDays.IsNull() && !plan.RotationPeriodDays.Equal(state.RotationPeriodDays)
}

// convergeRotation turns auto-rotation on or off and sets its period, recording each answer.
func convergeRotation(ctx context.Context, client *kmsapi.Client, state *keyResourceModel, plan keyResourceModel) *convergeStepError {
	tag := state.KeyTag.ValueString()
	want := plan.RotationPeriodDays
	switch {
	case want.Equal(state.RotationPeriodDays):
		return nil
	case want.IsNull():
		if err := client.DisableAutoRotation(ctx, tag); err != nil {
			return &convergeStepError{"Key auto-rotation update failed", "automatic rotation could not be turned off", err}
		}
		state.setRotation(false, 0, 0)
		return nil
	case state.RotationPeriodDays.IsNull():
		info, err := client.EnableAutoRotation(ctx, tag)
		if err != nil {
			return &convergeStepError{"Key auto-rotation update failed", "automatic rotation could not be turned on", err}
		}
		state.setRotation(true, info.RotationPeriod, info.NextRotationDate)
		if info.RotationPeriod == want.ValueInt64() {
			return nil
		}
	}
	info, err := client.SetRotationPeriod(ctx, tag, want.ValueInt64())
	if err != nil {
		return &convergeStepError{"Key auto-rotation update failed",
			fmt.Sprintf("the rotation period could not be set to %d days", want.ValueInt64()), err}
	}
	state.setRotation(true, periodOr(info.RotationPeriod, want.ValueInt64()), info.NextRotationDate)
	return nil
}

// periodOr returns the period an answer reported, or the requested one when the answer omits it.
func periodOr(reported, requested int64) int64 {
	if reported == 0 {
		return requested
	}
	return reported
}
