package provider

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// How a create plan learns that it replaces a key (DESIGN.md "Every path to a replacement").
//
// Terraform plans a replacement as a create with a null prior state, and it gets there two ways:
//
//   - A replacement of a live object (the configuration changed a create-only attribute,
//     -replace, replace_triggered_by): Terraform first plans the object with its prior state, then
//     plans the create and hands it the private data of that first plan. Every plan with a prior
//     state therefore records the key in its private data (replacedKeyPrivateKey).
//   - A tainted object (terraform taint, or a create that stopped part-way): Terraform never plans
//     it with its prior state. The only calls that see it are UpgradeResourceState (always, also
//     with -refresh=false) and ReadResource (when refreshing). stateKeys remembers every key of
//     this configuration's state from those calls, and a create whose name such a key holds, and
//     which no plan with a prior state has claimed, replaces it.

// replacedKeyPrivateKey is the private-data key of the replaced-key record of a plan.
const replacedKeyPrivateKey = "replaces_key"

// replacedKey is what the plan of a replacement needs to know about the key it removes.
type replacedKey struct {
	Tag                string `json:"tag"`
	Name               string `json:"name"`
	DeletionPolicy     string `json:"deletion_policy"`
	DeletionProtection bool   `json:"deletion_protection"`
	Status             string `json:"status"`
	ScheduledFor       string `json:"scheduled_for,omitempty"`
	CreatedAt          string `json:"created_at,omitempty"`
	// GuardWindow is refuse_deletion_if_used_within, "" when unset.
	GuardWindow string `json:"guard_window,omitempty"`
	// Announced is true when the plan with the prior state reported the removal already: a
	// replacement that the configuration forces.
	Announced bool `json:"announced,omitempty"`
}

func replacedKeyOf(state keyResourceModel) replacedKey {
	return replacedKey{
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

func (k replacedKey) ref() keyRef { return keyRef{Name: k.Name, Tag: k.Tag} }

// removal describes the key's removal for the diagnostics; forcedBy says why Terraform replaces it.
func (k replacedKey) removal(forcedBy string) removal {
	rm := removal{Key: k.ref(), ForcedBy: forcedBy}
	if k.Status == kmsapi.StatusRevoke {
		rm.PendingUntil = k.ScheduledFor
		if rm.PendingUntil == "" {
			rm.PendingUntil = unknownDate
		}
	}
	return rm
}

// encodeReplacedKey is the private-data value of a replaced-key record.
func encodeReplacedKey(k replacedKey) []byte {
	raw, err := json.Marshal(k)
	if err != nil { // a struct of strings and bools always marshals
		panic(err)
	}
	return raw
}

// decodeReplacedKey reads a replaced-key record; ok is false when there is none.
func decodeReplacedKey(raw []byte) (replacedKey, bool) {
	var k replacedKey
	if len(raw) == 0 || json.Unmarshal(raw, &k) != nil || k.Tag == "" {
		return replacedKey{}, false
	}
	return k, true
}

// stateKeys is every ncloudkms_key of this configuration's state that this provider process has
// seen (state_records.go).
type stateKeys = stateRecords[replacedKey]

func newStateKeys() *stateKeys {
	return newStateRecords(func(k replacedKey) string { return k.Tag }, decodeObservedKeyState)
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
func decodeObservedKeyState(raw []byte) (replacedKey, bool) {
	var st observedKeyState
	if json.Unmarshal(raw, &st) != nil {
		return replacedKey{}, false
	}
	return replacedKey{
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
	for _, known := range r.stateKeys().Matching(func(k replacedKey) bool { return strings.EqualFold(k.Name, name) }) {
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
