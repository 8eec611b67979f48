package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

func TestStateKeys_claimTainted(t *testing.T) {
	keys := newStateKeys()
	keys.ObserveRawState([]byte(`{"key_tag":"TagA","name":"a","deletion_policy":"SCHEDULE","deletion_protection":true,` +
		`"status":"REVOKE","deletion_scheduled_for":"2026-12-04T00:00:00Z","memo":"ignored"}`))
	keys.ObserveRawState([]byte(`{"key_tag":"tagb","name":"b","deletion_policy":null}`))
	keys.ObserveRawState([]byte(`not json`))

	if claimed := keys.PlannedWithPrior(removalRecord{Tag: "TAGB", Name: "b"}); claimed {
		t.Fatal("a key no create claimed reads as claimed")
	}
	if _, ok := keys.ClaimTainted("tagb"); ok {
		t.Fatal("a key planned with its prior state (so not tainted) was claimed")
	}
	if _, ok := keys.ClaimTainted("unknown"); ok {
		t.Fatal("a key outside the state was claimed")
	}
	got, ok := keys.ClaimTainted("taga")
	want := removalRecord{Tag: "TagA", Name: "a", DeletionPolicy: deletionPolicySchedule, DeletionProtection: true,
		Status: "REVOKE", ScheduledFor: "2026-12-04T00:00:00Z"}
	if !ok || got != want {
		t.Fatalf("ClaimTainted = %+v, %v; want %+v", got, ok, want)
	}
	if _, ok := keys.ClaimTainted("TagA"); ok {
		t.Fatal("a key was claimed twice")
	}
	if claimed := keys.PlannedWithPrior(removalRecord{Tag: "TagA"}); !claimed {
		t.Fatal("a claimed key planned with its prior state must report the clash")
	}

	// A key with no policy in its state is removed under the default.
	keys.ObserveRawState([]byte(`{"key_tag":"c","name":"c"}`))
	if got, _ := keys.ClaimTainted("c"); got.DeletionPolicy != defaultDeletionPolicy {
		t.Fatalf("policy %q, want the default %q", got.DeletionPolicy, defaultDeletionPolicy)
	}
	var none *stateKeys // before the provider is configured
	none.Observe(want)
	if _, ok := none.ClaimTainted("TagA"); ok || none.PlannedWithPrior(want) {
		t.Fatal("a nil record claims keys")
	}
}

func TestKeyRemovalRecord_privateRoundTrip(t *testing.T) {
	requirePrivateRecordRoundTrip(t, keyRemovalRecord,
		removalRecord{Tag: "t", Name: "n", DeletionPolicy: "DELETE", Status: "ENABLE", Announced: true},
		"", "{}", `{"tag":""}`, "null", "[1]")
}

// requirePrivateRecordRoundTrip: a record reads back as set, each of invalid reads as none, and a
// cleared record reads as none.
func requirePrivateRecordRoundTrip[T comparable](t *testing.T, key privateRecordKey[T], record T, invalid ...string) {
	t.Helper()
	ctx, private := context.Background(), memoryPrivateData{}
	if diags := key.Set(ctx, private, record); diags.HasError() {
		t.Fatal(diags)
	}
	if got, ok := key.Get(ctx, private); !ok || got != record {
		t.Fatalf("round trip = %+v, %v", got, ok)
	}
	for _, raw := range invalid {
		if _, ok := key.Get(ctx, memoryPrivateData{key.name: []byte(raw)}); ok {
			t.Errorf("%q reads as a record", raw)
		}
	}
	if diags := key.Clear(ctx, private); diags.HasError() {
		t.Fatal(diags)
	}
	if _, ok := key.Get(ctx, private); ok {
		t.Error("a cleared record still reads")
	}
}

// memoryPrivateData is private data in a map, as the framework keeps it between calls.
type memoryPrivateData map[string][]byte

func (m memoryPrivateData) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return m[key], nil
}

func (m memoryPrivateData) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	m[key] = value
	return nil
}
