package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// How ncloudkms_key reaches its plan with the API's calls: the key (status, name, memo), its
// rotation and its versions, in one order (convergeKey), each answer recorded in the state so that a
// failure leaves the state at what was reached. Update and the adoption of a pending key use it.

// keyNeedsCalls reports whether the key itself differs from the plan (as opposed to state-only attributes).
func keyNeedsCalls(state, plan keyResourceModel) bool {
	return state.Status.ValueString() == kmsapi.StatusRevoke ||
		!state.Enabled.Equal(plan.Enabled) || state.Status.ValueString() != plannedStatus(plan.Enabled).ValueString() ||
		!state.Name.Equal(plan.Name) || !state.Memo.Equal(plan.Memo) ||
		!state.RotationPeriodDays.Equal(plan.RotationPeriodDays) ||
		(!plan.DisabledVersions.IsNull() && !plan.DisabledVersions.Equal(state.DisabledVersions))
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
func convergeKey(ctx context.Context, client *kmsapi.Client, state *keyResourceModel, plan keyResourceModel, rotate bool) *convergeStepError {
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
	needsEnabled := rotate || rotationNeedsEnabledKey(*state, plan) || versionsChange(*state, plan)
	if (wantEnabled || needsEnabled) && state.Status.ValueString() != kmsapi.StatusEnable {
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

	if rotate {
		rotation, err := client.Rotate(ctx, tag, state.CurrentVersion.ValueInt64())
		if err != nil {
			return &convergeStepError{"Key rotation failed", "the key could not be rotated", err}
		}
		state.CurrentVersion = types.Int64Value(rotation.Version)
	}

	if err := convergeVersions(ctx, client, state, plan); err != nil {
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

// convergeVersions enables, then disables, the versions that take the key from its disabled
// versions to the plan's, recording each answer. Without a record in the state (the attribute was
// just set) it reads the version list first.
func convergeVersions(ctx context.Context, client *kmsapi.Client, state *keyResourceModel, plan keyResourceModel) *convergeStepError {
	wanted, ok := versionSet(plan.DisabledVersions)
	if !ok {
		state.DisabledVersions = plan.DisabledVersions
		return nil
	}
	tag := state.KeyTag.ValueString()
	if _, known := versionSet(state.DisabledVersions); !known {
		listed, err := client.ListVersions(ctx, tag)
		if err != nil {
			return &convergeStepError{"Key versions read failed", "the key's versions could not be read", err}
		}
		state.DisabledVersions = disabledVersionsOf(listed)
	}
	have, _ := versionSet(state.DisabledVersions)
	for _, v := range have {
		if slices.Contains(wanted, v) {
			continue
		}
		if _, err := client.EnableVersion(ctx, tag, v); err != nil {
			return &convergeStepError{"Key version enable failed", fmt.Sprintf("version %d could not be enabled", v), err}
		}
		have = slices.DeleteFunc(slices.Clone(have), func(x int64) bool { return x == v })
		state.DisabledVersions = versionSetValue(have)
	}
	for _, v := range wanted {
		if slices.Contains(have, v) {
			continue
		}
		if _, err := client.DisableVersion(ctx, tag, v); err != nil {
			return &convergeStepError{"Key version disable failed", fmt.Sprintf("version %d could not be disabled", v), err}
		}
		have = append(have, v)
		slices.Sort(have)
		state.DisabledVersions = versionSetValue(have)
	}
	return nil
}
