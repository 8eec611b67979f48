package main

import (
	"slices"
	"strings"
	"testing"
)

func TestBenchSteps_args(t *testing.T) {
	steps := benchSteps(300, 7)
	var names []string
	for _, s := range steps {
		names = append(names, s.name)
		if !slices.Contains(s.args, "-parallelism=7") || !slices.Contains(s.args, "-input=false") {
			t.Errorf("%s: args %q lack -parallelism=7 or -input=false", s.name, s.args)
		}
	}
	if got := strings.Join(names, ","); got != "apply,refresh,update,destroy" {
		t.Errorf("steps = %s", got)
	}
	if steps[1].args[0] != "plan" || !slices.Contains(steps[1].args, "-detailed-exitcode") {
		t.Errorf("refresh must be a plan with -detailed-exitcode: %q", steps[1].args)
	}
	if !slices.Contains(steps[2].args, "-var=revision=2") || !slices.Contains(steps[3].args, "-var=revision=2") {
		t.Error("update and destroy must pass the new revision")
	}
	// append on a shared slice must not let one step's args leak into another's.
	if slices.Contains(steps[0].args, "-var=revision=2") {
		t.Errorf("apply args %q carry the update's variable", steps[0].args)
	}
}

func keyStates(n, revision int) []mockKeyState {
	keys := make([]mockKeyState, n)
	for i := range keys {
		keys[i] = mockKeyState{name: keyName(i), status: "ENABLE", memo: memoFor(i, n, revision)}
	}
	return keys
}

func TestVerify(t *testing.T) {
	if err := verifyCreated(keyStates(20, 1), 20); err != nil {
		t.Errorf("created: %v", err)
	}
	if err := verifyCreated(keyStates(19, 1), 20); err == nil {
		t.Error("created: a missing key passed")
	}
	if err := verifyUpdated(keyStates(20, 1), 20); err == nil {
		t.Error("updated: unchanged memos passed")
	}
	if err := verifyUpdated(keyStates(20, 2), 20); err != nil {
		t.Errorf("updated: %v", err)
	}
	shuffled := keyStates(20, 1)
	shuffled[0], shuffled[5] = shuffled[5], shuffled[0]
	if err := verifyCreated(shuffled, 20); err != nil {
		t.Errorf("created in another order: %v", err)
	}
	revoked := keyStates(20, 2)
	revoked[3].status = "REVOKE"
	if err := verifyUpdated(revoked, 20); err == nil {
		t.Error("updated: a REVOKE key passed")
	}
	if err := verifyDestroyed(nil, 20); err != nil {
		t.Errorf("destroyed: %v", err)
	}
	if err := verifyDestroyed(revoked, 20); err == nil {
		t.Error("destroyed: remaining keys passed")
	}
}
