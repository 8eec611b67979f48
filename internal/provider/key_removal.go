package provider

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// The removal protocol of ncloudkms_key (DESIGN.md §5, "The removal protocol"): no key leaves the
// state, deleted, scheduled for deletion or abandoned, unless a plan said so, on every path
// Terraform can take there. Its parts, all in this file:
//
//   - The record: every plan with a prior state keeps a removalRecord of the key in its private
//     data (keyRemovalRecord). A plan that removes the key (a destroy, or a replacement that the
//     configuration forces) announces the removal (announceRemoval: the policy's warning, or a
//     refusal) and marks the record Announced. Any other plan records the key unannounced: when
//     Terraform replaces it all the same (-replace, replace_triggered_by), the create plan, which
//     receives that private data, learns which key it replaces and refuses.
//   - Tainted keys: Terraform plans their replacement as a bare create, with no prior state and no
//     private data. stateKeys knows them (state_records.go, fed by state_observer.go and Read), and a
//     create whose name one of them holds announces its removal and records it.
//   - The guard and the last use: a warning that deletes or schedules ends with the key's last use
//     (key_last_use.go), and refuse_deletion_if_used_within refuses a recent use at plan time and
//     again in Delete, right before its first call.
//   - The backstop: Delete refuses, before any call, a protected key and a removal that the record of
//     the applied plan did not announce.
//   - Forget instead of destroy: Create refuses a name that a key of the state still holds, as
//     lifecycle { destroy = false } leaves it (DESIGN.md "Forget instead of destroy").

// keyRemovalRecord is where a plan keeps its removalRecord; the name predates the protocol's and
// stays, so that plans saved by earlier builds still read.
var keyRemovalRecord = privateRecordKey[removalRecord]{name: "replaces_key", valid: func(k removalRecord) bool { return k.Tag != "" }}

// removalRecord is what the protocol knows of a key that a plan may remove.
type removalRecord struct {
	Tag                string `json:"tag"`
	Name               string `json:"name"`
	DeletionPolicy     string `json:"deletion_policy"`
	DeletionProtection bool   `json:"deletion_protection"`
	Status             string `json:"status"`
	ScheduledFor       string `json:"scheduled_for,omitempty"`
	CreatedAt          string `json:"created_at,omitempty"`
	// GuardWindow is refuse_deletion_if_used_within, "" when unset.
	GuardWindow string `json:"guard_window,omitempty"`
	// Announced is true when a plan reported the removal: a destroy, a replacement that the
	// configuration forces, the replacement of a tainted key.
	Announced bool `json:"announced,omitempty"`
}

// removalRecordOf is the record of the key in state.
func removalRecordOf(state keyResourceModel) removalRecord {
	return removalRecord{
		Tag:                state.KeyTag.ValueString(),
		Name:               state.Name.ValueString(),
		DeletionPolicy:     deletionPolicyOf(state.DeletionPolicy),
		DeletionProtection: state.DeletionProtection.ValueBool(),
		Status:             state.Status.ValueString(),
		ScheduledFor:       state.DeletionScheduledFor.ValueString(),
		CreatedAt:          state.CreatedAt.ValueString(),
		GuardWindow:        state.RefuseDeletionIfUsedWithin.ValueString(),
	}
}

func (k removalRecord) ref() keyRef { return keyRef{Name: k.Name, Tag: k.Tag} }

// removal describes the key's removal for the diagnostics; forcedBy says why Terraform replaces it.
func (k removalRecord) removal(forcedBy string) removal {
	rm := removal{Key: k.ref(), ForcedBy: forcedBy}
	if k.Status == kmsapi.StatusRevoke {
		rm.PendingUntil = k.ScheduledFor
		if rm.PendingUntil == "" {
			rm.PendingUntil = unknownDate
		}
	}
	return rm
}

// announceDestroy reports a destroy or removal of the key and records it announced, for Delete.
func (r *keyResource) announceDestroy(ctx context.Context, state keyResourceModel, rec removalRecord, resp *resource.ModifyPlanResponse) {
	r.announceRemoval(ctx, rec, removalOf(state), nil, warnRemoval, &resp.Diagnostics)
	rec.Announced = true
	resp.Diagnostics.Append(keyRemovalRecord.Set(ctx, resp.Private, rec)...)
}

// announceReplacement reports a replacement that the configuration forces (causes) and records the
// key announced: the create plan of the replacement and Delete read it.
func (r *keyResource) announceReplacement(ctx context.Context, state keyResourceModel, rec removalRecord, causes []string,
	plan *keyResourceModel, resp *resource.ModifyPlanResponse) {
	rec.Announced = true
	resp.Diagnostics.Append(keyRemovalRecord.Set(ctx, resp.Private, rec)...)
	rm := removalOf(state)
	rm.Causes = causes
	r.announceRemoval(ctx, rec, rm, plan, warnRemoval, &resp.Diagnostics)
}

// recordUnannounced records the key of a plan that keeps it: should Terraform replace it all the same
// (-replace, replace_triggered_by), the create plan learns which key and refuses (planCreate).
func recordUnannounced(ctx context.Context, rec removalRecord, resp *resource.ModifyPlanResponse) {
	rec.Announced = false
	resp.Diagnostics.Append(keyRemovalRecord.Set(ctx, resp.Private, rec)...)
}

// announceTaintedReplacement reports the removal of a tainted key of the state whose name the create
// takes (holder is the key as the API answers now), and records it announced for Delete.
func (r *keyResource) announceTaintedReplacement(ctx context.Context, tainted removalRecord, holder *kmsapi.Key,
	plan keyResourceModel, resp *resource.ModifyPlanResponse, diags *diag.Diagnostics) {
	tainted.Status, tainted.ScheduledFor = holder.Status, "" // what the API says now
	if holder.Status == kmsapi.StatusRevoke {
		tainted.ScheduledFor = formatMillis(holder.DestroyDate)
	}
	r.announceRemoval(ctx, tainted, tainted.removal(forcedByTaint), &plan, warnRemoval, diags)
	tainted.Announced = true
	diags.Append(keyRemovalRecord.Set(ctx, resp.Private, tainted)...)
}

// refuseUnannouncedReplacement handles the create plan of a replacement (the second plan, which
// receives the first plan's record). When the configuration forces the replacement, the first plan
// announced it. Otherwise (-replace, replace_triggered_by) Terraform drops this plan's warnings and
// shows only its errors, so the replacement is refused: no key is removed without the plan saying so.
func (r *keyResource) refuseUnannouncedReplacement(ctx context.Context, replaced removalRecord, plan keyResourceModel,
	diags *diag.Diagnostics) (refused bool) {
	if replaced.Announced {
		return false
	}
	r.announceRemoval(ctx, replaced, replaced.removal(forcedByRequest), &plan, refuseRemoval, diags)
	return true
}

// How announceRemoval reports a removal that deletion_protection does not block.
const (
	warnRemoval   = false // the policy's warning
	refuseRemoval = true  // an error that says what the policy would do
)

// announceRemoval reports what a plan does to the key it removes, whatever removes it (destroy,
// removal, any replacement): the protection error; or the policy's warning (with refuse, an
// error quoting it), which ends with the key's last use when the key is deleted or scheduled;
// the refusal of refuse_deletion_if_used_within; and, for a replacement (planned is the new key),
// the refusal of a name that the current key keeps.
func (r *keyResource) announceRemoval(ctx context.Context, current removalRecord, rm removal, planned *keyResourceModel,
	refuse bool, diags *diag.Diagnostics) {
	protected := current.DeletionProtection
	if planned != nil {
		if !planned.DeletionPolicy.IsUnknown() && !planned.DeletionPolicy.IsNull() &&
			deletionPolicyOf(planned.DeletionPolicy) != current.DeletionPolicy {
			rm.NewPolicy = planned.DeletionPolicy.ValueString()
		}
		protected = protected || planned.DeletionProtection.ValueBool()
		rm.KeepsName = !planned.Name.IsUnknown() && strings.EqualFold(planned.Name.ValueString(), current.Name)
	}
	if protected {
		diags.AddError(summaryKeyDeletionProtected, protectionErrorDetail(rm))
		return
	}
	now := r.data.now()
	if current.DeletionPolicy != deletionPolicyAbandon {
		use := r.lastUseOf(ctx, current)
		rm.LastUse = use.line(now)
		r.guardAgainstRecentUse(current, use, now, diags)
	}
	summary, detail := removalWarning(current.DeletionPolicy, rm, now)
	if refuse {
		diags.AddError(summaryKeyReplacementOnRequestRefused, replacementOnRequestRefusedDetail(rm, detail))
	} else {
		diags.AddWarning(summary, detail)
	}
	if planned != nil {
		addReplacementNameClash(current, *planned, rm, diags)
	}
}

// lastUseOf reads the key's last use; without a configured provider it says so.
func (r *keyResource) lastUseOf(ctx context.Context, key removalRecord) lastUse {
	if r.data == nil {
		return lastUse{err: errNoClient}
	}
	created, _ := time.Parse(time.RFC3339, key.CreatedAt)
	return readLastUse(ctx, r.data.client, key.Tag, created)
}

// guardAgainstRecentUse refuses the removal of a key with refuse_deletion_if_used_within when an
// application or a person used it within that window, or when its last use could not be read.
func (r *keyResource) guardAgainstRecentUse(key removalRecord, use lastUse, now time.Time, diags *diag.Diagnostics) {
	window, on := parseGuardWindow(key.GuardWindow)
	switch {
	case !on:
	case use.err != nil:
		diags.AddError(summaryKeyLastUseUnreadable, lastUseUnreadableDetail(key.ref(), key.GuardWindow, use.err))
	case use.usedWithin(window, now):
		diags.AddError(summaryKeyUsedRecently, usedRecentlyDetail(key.ref(), key.GuardWindow, use.line(now)))
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

// removalWarning is the summary and detail of the warning that removing the key under policy earns.
func removalWarning(policy string, rm removal, now time.Time) (summary, detail string) {
	switch policy {
	case deletionPolicyAbandon:
		return summaryKeyWillBeAbandoned, abandonWarningDetail(rm)
	case deletionPolicySchedule:
		return summaryKeyWillBeScheduled, scheduleWarningDetail(rm, now.Add(deletionDelay))
	default:
		return summaryKeyWillBeDeleted, deleteWarningDetail(rm)
	}
}

// addReplacementNameClash reports a replacement that keeps the name while the old key survives
// its removal (SCHEDULE keeps it pending, ABANDON keeps it): the create would then fail on the
// name after the old key has already been given up.
func addReplacementNameClash(current removalRecord, plan keyResourceModel, rm removal, diags *diag.Diagnostics) {
	policy := current.DeletionPolicy
	if policy == deletionPolicyDelete || plan.Name.IsUnknown() || !strings.EqualFold(plan.Name.ValueString(), current.Name) {
		return
	}
	summary := summaryKeyNameInUse
	if policy == deletionPolicySchedule {
		summary = summaryKeyNameHeldByPending
	}
	diags.AddError(summary, replacementNameClashDetail(rm, policy, plan.Name.ValueString()))
}

// removalMayProceed is Delete's backstop, before any call: a protected key (for plans made before
// protection was recorded) and a removal that the applied plan's record did not announce are refused.
func removalMayProceed(ctx context.Context, private privateData, state keyResourceModel, diags *diag.Diagnostics) bool {
	key := keyRef{Name: state.Name.ValueString(), Tag: state.KeyTag.ValueString()}
	if state.DeletionProtection.ValueBool() {
		diags.AddError(summaryKeyDeletionProtected, protectionErrorDetail(removal{Key: key}))
		return false
	}
	announced, ok := keyRemovalRecord.Get(ctx, private)
	if !ok || !announced.Announced || !strings.EqualFold(announced.Tag, key.Tag) {
		diags.AddError(summaryKeyRemovalNotAnnounced, removalNotAnnouncedDetail(key))
		return false
	}
	return true
}

// guardStillAllows looks at the last use again right before Delete's first call: a use since the
// plan counts too.
func (r *keyResource) guardStillAllows(ctx context.Context, state keyResourceModel, diags *diag.Diagnostics) bool {
	guarded := removalRecordOf(state)
	if guarded.GuardWindow == "" {
		return true
	}
	r.guardAgainstRecentUse(guarded, r.lastUseOf(ctx, guarded), r.data.now(), diags)
	return !diags.HasError()
}

// stateKeys is every ncloudkms_key of this configuration's state that this provider process has
// seen (state_records.go).
type stateKeys = stateRecords[removalRecord]

func newStateKeys() *stateKeys {
	return newStateRecords(func(k removalRecord) string { return k.Tag }, decodeObservedKeyState)
}

// observedKeyState is the part of a raw ncloudkms_key state that stateKeys needs.
type observedKeyState struct {
	KeyTag               string `json:"key_tag"`
	Name                 string `json:"name"`
	DeletionPolicy       string `json:"deletion_policy"`
	DeletionProtection   bool   `json:"deletion_protection"`
	Status               string `json:"status"`
	DeletionScheduledFor string `json:"deletion_scheduled_for"`
	CreatedAt            string `json:"created_at"`
	GuardWindow          string `json:"refuse_deletion_if_used_within"`
}

// decodeObservedKeyState reads the key of a raw state (the JSON of UpgradeResourceState).
func decodeObservedKeyState(raw []byte) (removalRecord, bool) {
	var st observedKeyState
	if json.Unmarshal(raw, &st) != nil {
		return removalRecord{}, false
	}
	return removalRecord{
		Tag:                st.KeyTag,
		Name:               st.Name,
		DeletionPolicy:     deletionPolicyOf(types.StringValue(st.DeletionPolicy)),
		DeletionProtection: st.DeletionProtection,
		Status:             st.Status,
		ScheduledFor:       st.DeletionScheduledFor,
		CreatedAt:          st.CreatedAt,
		GuardWindow:        st.GuardWindow,
	}, true
}

// replacedKeyHoldingName finds, right before a create, the key of this configuration's state that
// still holds the planned name: the key this create replaces, which the apply removed from the state
// without deleting it. Terraform does that under lifecycle { destroy = false } (it forgets the old
// object, then creates; the provider is told neither), and under create_before_destroy (it deletes
// the old object only after the create). Delete forgets the keys it removes, so a replacement that
// deleted its key makes no call here. nil when no such key exists (or it cannot be read: the create
// then meets the API's own answer).
func (r *keyResource) replacedKeyHoldingName(ctx context.Context, client *kmsapi.Client, plan keyResourceModel) *kmsapi.Key {
	name := plan.Name.ValueString()
	for _, known := range r.stateKeys().Matching(func(k removalRecord) bool { return strings.EqualFold(k.Name, name) }) {
		current, err := client.GetKey(ctx, known.Tag)
		if err != nil || !strings.EqualFold(current.KeyName, name) {
			continue
		}
		if current.Status == kmsapi.StatusRevoke && plan.RestoreIfPending.ValueBool() {
			continue // restore_if_pending adopts it
		}
		return current
	}
	return nil
}
