package provider

import (
	"context"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// Delete follows the deletion_policy recorded in state (DESIGN §5): DELETE requests deletion
// unless the key is already REVOKE and then deletes it; SCHEDULE only requests deletion;
// ABANDON makes no call. A key that is already gone counts as deleted. The normal path makes
// no read: the refreshed state already says whether the key is REVOKE.
func (r *keyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state keyResourceModel
	resp.Diagnostics.Append(loadKeyModel(ctx, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := keyRef{Name: state.Name.ValueString(), Tag: state.KeyTag.ValueString()}

	// Backstop of the plan-time error, for plans made before protection was recorded.
	if state.DeletionProtection.ValueBool() {
		resp.Diagnostics.AddError(summaryKeyDeletionProtected, protectionErrorDetail(removal{Key: key}))
		return
	}
	// Backstop of the plan-time diagnostics: no key leaves Terraform without a plan that said so.
	if !removalAnnounced(ctx, req, key.Tag) {
		resp.Diagnostics.AddError(summaryKeyRemovalNotAnnounced, removalNotAnnouncedDetail(key))
		return
	}
	policy := deletionPolicyOf(state.DeletionPolicy)
	if policy == deletionPolicyAbandon {
		return
	}
	if r.data == nil {
		resp.Diagnostics.AddError("Provider not configured",
			"The ncloudkms provider has no configuration at apply time, so key "+key.String()+" cannot be deleted.")
		return
	}
	client := r.data.client

	// A stop (Ctrl-C) does not cut a deletion short once it has begun: cancelling the final DELETE
	// after the server carried it out would leave in the state a key that is gone.
	if err := ctx.Err(); err != nil {
		resp.Diagnostics.AddError(summaryKeyDeletionRequestFailed, deletionRequestFailedDetail(key, err))
		return
	}
	ctx, finish := finishDespiteStop(ctx, stopGracePeriod)
	defer finish()

	destroyAt := state.DeletionScheduledFor.ValueString()
	requestedNow := false
	if state.Status.ValueString() != kmsapi.StatusRevoke {
		change, err := client.RequestDeletion(ctx, key.Tag)
		switch {
		case err == nil:
			requestedNow = true
			destroyAt = formatTime(requestTime(change).Add(deletionDelay))
		case kmsapi.IsNotFound(err):
			return
		case kmsapi.IsInvalidStatus(err):
			// Someone requested the deletion since the refresh: read once to know.
			current, getErr := client.GetKey(ctx, key.Tag)
			switch {
			case kmsapi.IsNotFound(getErr):
				return
			case getErr != nil:
				resp.Diagnostics.AddError(summaryKeyDeletionRequestFailed, deletionRequestFailedDetail(key, getErr))
				return
			case current.Status != kmsapi.StatusRevoke:
				resp.Diagnostics.AddError(summaryKeyDeletionRequestFailed, deletionRefusedDetail(key, current.Status, err))
				return
			}
			destroyAt = formatMillis(current.DestroyDate)
		default:
			resp.Diagnostics.AddError(summaryKeyDeletionRequestFailed, deletionRequestFailedDetail(key, err))
			return
		}
	}
	if policy == deletionPolicySchedule {
		return
	}
	if destroyAt == "" {
		destroyAt = unknownDate
	}

	err := client.DeleteKey(ctx, key.Tag)
	switch {
	case err == nil, kmsapi.IsNotFound(err):
		return
	case kmsapi.IsInvalidStatus(err):
		resp.Diagnostics.AddError(summaryKeyFinalDeleteRefused, finalDeleteRefusedDetail(key, err))
		return
	}
	resp.Diagnostics.AddError(summaryFinalDeleteFailed(destroyAt), finalDeleteFailedDetail(key, requestedNow, destroyAt, err))
	// The framework keeps resp.State when Delete fails: record that the key is now pending
	// deletion, so that the next destroy makes only the final delete call.
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("status"), types.StringValue(kmsapi.StatusRevoke))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("enabled"), types.BoolValue(false))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("deletion_scheduled_for"), types.StringValue(destroyAt))...)
}

// removalAnnounced reports whether the plan being applied announced the removal of the key
// tagged tag (its replaced-key record, key_replacement.go).
func removalAnnounced(ctx context.Context, req resource.DeleteRequest, tag string) bool {
	raw, diags := req.Private.GetKey(ctx, replacedKeyPrivateKey)
	if diags.HasError() {
		return false
	}
	announced, ok := decodeReplacedKey(raw)
	return ok && announced.Announced && strings.EqualFold(announced.Tag, tag)
}

// deletionPolicyOf reads the recorded policy; an empty one (older state) means the default.
func deletionPolicyOf(policy types.String) string {
	if policy.IsNull() || policy.IsUnknown() || policy.ValueString() == "" {
		return defaultDeletionPolicy
	}
	return policy.ValueString()
}

// requestTime is when NCloud took the deletion request; its clock decides the deletion date.
func requestTime(change *kmsapi.StatusChange) time.Time {
	if change == nil || change.StatusDate == 0 {
		return time.Now()
	}
	return kmsapi.MillisToTime(change.StatusDate)
}
