package provider

import (
	"testing"
)

func TestStateKeys_claimTainted(t *testing.T) {
	keys := newStateKeys()
	keys.ObserveRawState([]byte(`{"key_tag":"TagA","name":"a","deletion_policy":"SCHEDULE","deletion_protection":true,` +
		`"status":"REVOKE","deletion_scheduled_for":"2026-12-04T00:00:00Z","memo":"ignored"}`))
	keys.ObserveRawState([]byte(`{"key_tag":"tagb","name":"b","deletion_policy":null}`))
	keys.ObserveRawState([]byte(`not json`))

	if claimed := keys.PlannedWithPrior(replacedKey{Tag: "TAGB", Name: "b"}); claimed {
		t.Fatal("a key no create claimed reads as claimed")
	}
	if _, ok := keys.ClaimTainted("tagb"); ok {
		t.Fatal("a key planned with its prior state (so not tainted) was claimed")
	}
	if _, ok := keys.ClaimTainted("unknown"); ok {
		t.Fatal("a key outside the state was claimed")
	}
	got, ok := keys.ClaimTainted("taga")
	want := replacedKey{Tag: "TagA", Name: "a", DeletionPolicy: deletionPolicySchedule, DeletionProtection: true,
		Status: "REVOKE", ScheduledFor: "2026-12-04T00:00:00Z"}
	if !ok || got != want {
		t.Fatalf("ClaimTainted = %+v, %v; want %+v", got, ok, want)
	}
	if _, ok := keys.ClaimTainted("TagA"); ok {
		t.Fatal("a key was claimed twice")
	}
	if claimed := keys.PlannedWithPrior(replacedKey{Tag: "TagA"}); !claimed {
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

func TestReplacedKey_privateRoundTrip(t *testing.T) {
	k := replacedKey{Tag: "t", Name: "n", DeletionPolicy: "DELETE", Status: "ENABLE", Announced: true}
	if got, ok := decodeReplacedKey(encodeReplacedKey(k)); !ok || got != k {
		t.Fatalf("round trip = %+v, %v", got, ok)
	}
	for _, raw := range []string{"", "{}", `{"tag":""}`, "null", "[1]"} {
		if _, ok := decodeReplacedKey([]byte(raw)); ok {
			t.Errorf("decodeReplacedKey(%q) found a record", raw)
		}
	}
}
