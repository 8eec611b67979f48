package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// Create makes a new key (POST, then one GET for the values only Get Key Info reports), or, with
// restore_if_pending, adopts a same-named key that is pending deletion.
func (r *keyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan keyResourceModel
	resp.Diagnostics.Append(loadKeyModel(ctx, req.Plan.Raw, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client := r.requireClient(&resp.Diagnostics)
	if client == nil {
		return
	}
	// The plan's replaced-key record (key_replacement.go) says nothing about the new key.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, replacedKeyPrivateKey, nil)...)

	// A stop (Ctrl-C) must not cut a create short once it has begun: a key the server made must reach
	// the state whole, neither orphaned nor saved tainted. The calls end their own way, within a grace period.
	if err := ctx.Err(); err != nil {
		resp.Diagnostics.AddError("Key creation failed",
			fmt.Sprintf("Key %q was not created: Terraform stopped the operation before it began (%v).", plan.Name.ValueString(), err))
		return
	}
	ctx, finish := finishDespiteStop(ctx, stopGracePeriod)
	defer finish()

	if plan.RestoreIfPending.ValueBool() {
		existing, err := client.FindKeyByName(ctx, plan.Name.ValueString())
		if err != nil {
			resp.Diagnostics.AddError("Key lookup failed",
				fmt.Sprintf("Terraform could not look for a key named %q pending deletion (restore_if_pending = true), so nothing was created. %s",
					plan.Name.ValueString(), apiErrorTail(err)))
			return
		}
		if existing != nil && existing.Status == kmsapi.StatusRevoke {
			r.adoptPendingKey(ctx, client, existing, plan, resp)
			return
		}
	}

	created, err := client.CreateKey(ctx, createKeyInput(plan))
	if err != nil {
		resp.Diagnostics.AddError("Key creation failed",
			fmt.Sprintf("Key %q could not be created. %s", plan.Name.ValueString(), apiErrorTail(err)))
		return
	}
	state := stateAfterCreate(plan, created)
	key := keyRef{Name: state.Name.ValueString(), Tag: state.KeyTag.ValueString()}

	if !plan.Enabled.ValueBool() {
		change, err := client.DisableKey(ctx, state.KeyTag.ValueString())
		if err != nil {
			saveStateAfterFailure(ctx, state, &resp.State, &resp.Diagnostics, "Key disable failed",
				fmt.Sprintf("Key %s was created but could not be disabled. %s", key, savedTaintedNote), err)
			return
		}
		state.setStatus(statusOr(change.Status, kmsapi.StatusDisable))
	}

	read, err := client.GetKey(ctx, key.Tag)
	if err != nil {
		saveStateAfterFailure(ctx, state, &resp.State, &resp.Diagnostics, "Key read after create failed",
			fmt.Sprintf("Key %s was created but could not be read back. %s", key, savedTaintedNote), err)
		return
	}
	state.setFromKey(read)
	resp.Diagnostics.Append(storeKeyModel(ctx, &resp.State.Raw, &state)...)
}

// stopGracePeriod is how long a create (or delete) that has begun changing a key may go on after
// Terraform stopped the provider, so that what the server did is recorded in the state.
const stopGracePeriod = 30 * time.Second

// finishDespiteStop returns a context that ctx's end does not end at once, but only grace later.
// Values (loggers) pass through. Call the returned function when done.
func finishDespiteStop(ctx context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	detached, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stopWatching := context.AfterFunc(ctx, func() {
		timer := time.AfterFunc(grace, cancel)
		context.AfterFunc(detached, func() { timer.Stop() })
	})
	return detached, func() {
		stopWatching()
		cancel()
	}
}

// What happens to a key whose create stopped part-way: Terraform keeps it in the state, tainted.
// The next plan replaces it and says what its deletion_policy does to it.
const (
	savedTaintedNote = "The key is saved in the Terraform state and marked tainted. The next plan replaces it: it " +
		"removes this key under its deletion_policy (DELETE deletes it for ever, SCHEDULE leaves it pending deletion " +
		"for 72 hours, ABANDON leaves it in NCloud KMS outside Terraform) and creates a new one, and says so in its " +
		"diagnostics. To keep this key instead, run terraform untaint on this resource: the next apply then finishes " +
		"configuring it."
	adoptedTaintedNote = "The key is saved in the Terraform state and marked tainted. A tainted key is replaced by the next " +
		"apply, which removes it under its deletion_policy: to keep the restored key, run terraform untaint on this resource " +
		"before applying again; the apply then finishes configuring it."
)

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

// adoptPendingKey cancels the deletion of a same-named key and brings it to the configuration.
// Calls: cancel-deletion, enable (when enabled = true), one GET, then only the changes still needed.
func (r *keyResource) adoptPendingKey(ctx context.Context, client *kmsapi.Client, pending *kmsapi.Key, plan keyResourceModel, resp *resource.CreateResponse) {
	// Backstop of the plan-time check, for a key that went pending deletion after the plan.
	if mismatch := adoptionMismatch(pending, plan); mismatch != "" {
		resp.Diagnostics.AddAttributeError(path.Root("restore_if_pending"), summaryPendingKeyCannotBeAdopted,
			cannotAdoptDetail(*pending, mismatch))
		return
	}

	tag, key := pending.KeyTag, keyRefOf(*pending)
	change, err := client.CancelDeletion(ctx, tag)
	if err != nil {
		resp.Diagnostics.AddError("Key restore failed",
			fmt.Sprintf("The deletion of key %s could not be cancelled; the key is unchanged and nothing was created. %s",
				key, apiErrorTail(err)))
		return
	}
	// From here on the key is no longer pending deletion: it belongs to this resource, even if a later step fails.
	state := plan
	state.ID, state.KeyTag = types.StringValue(tag), types.StringValue(tag)
	state.Name = types.StringValue(pending.KeyName)
	state.Type = types.StringValue(pending.KeyType)
	state.ProtectionType = types.StringValue(pending.ProtectionType)
	state.Convergent = types.BoolValue(pending.IsConvergent)
	state.NRN, state.CurrentVersion, state.NextRotationAt = types.StringNull(), types.Int64Null(), types.StringNull()
	state.CreatedAt = timestampOrNull(pending.RegisterDate)
	state.setStatus(statusOr(change.Status, kmsapi.StatusDisable))

	if plan.Enabled.ValueBool() {
		change, err := client.EnableKey(ctx, tag)
		if err != nil {
			saveStateAfterFailure(ctx, state, &resp.State, &resp.Diagnostics, "Key enable failed",
				fmt.Sprintf("The deletion of key %s was cancelled, but the key could not be enabled. %s", key, adoptedTaintedNote), err)
			return
		}
		state.setStatus(statusOr(change.Status, kmsapi.StatusEnable))
	}

	read, err := client.GetKey(ctx, tag)
	if err != nil {
		saveStateAfterFailure(ctx, state, &resp.State, &resp.Diagnostics, "Key read failed",
			fmt.Sprintf("The deletion of key %s was cancelled, but the key could not be read. %s", key, adoptedTaintedNote), err)
		return
	}
	state.setFromKey(read)
	state.copyStateOnlyAttributes(plan)

	if err := convergeKey(ctx, client, &state, plan); err != nil {
		saveStateAfterFailure(ctx, state, &resp.State, &resp.Diagnostics, err.summary,
			fmt.Sprintf("The deletion of key %s was cancelled, but %s. %s", key, err.step, adoptedTaintedNote), err.cause)
		return
	}
	resp.Diagnostics.Append(storeKeyModel(ctx, &resp.State.Raw, &state)...)
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
