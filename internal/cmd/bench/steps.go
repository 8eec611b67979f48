package main

import (
	"fmt"
	"strconv"
)

// step is one Terraform command timed for the keys and for the terraform_data floor.
type step struct {
	name string
	args []string // subcommand and flags; both configurations take the same ones
	cost stepCost // least API work for n keys
	// verifyKeys checks the mock's keys after the step (the floor has nothing to check).
	verifyKeys func(keys []mockKeyState, n int) error
}

// benchSteps are the four steps, in the order they run.
func benchSteps(n, parallelism int) []step {
	common := []string{"-input=false", "-no-color", "-parallelism=" + strconv.Itoa(parallelism)}
	updated := "-var=revision=" + strconv.Itoa(updatedRevision)
	return []step{
		{name: "apply", args: append([]string{"apply", "-auto-approve"}, common...), cost: applyCost(n), verifyKeys: verifyCreated},
		// -detailed-exitcode: exit 0 means no changes; anything else is a perpetual diff (an error).
		{name: "refresh", args: append([]string{"plan", "-detailed-exitcode"}, common...), cost: refreshCost(n), verifyKeys: verifyCreated},
		{name: "update", args: append([]string{"apply", "-auto-approve", updated}, common...), cost: updateCost(n), verifyKeys: verifyUpdated},
		{name: "destroy", args: append([]string{"destroy", "-auto-approve", updated}, common...), cost: destroyCost(n), verifyKeys: verifyDestroyed},
	}
}

// applyCost: `terraform apply` without a saved plan makes two graph walks, each with its own
// provider process. The plan walk plans every key, and the name check lists the (still empty)
// account once in that process: one page. The apply walk plans each key again before creating it
// (Terraform re-plans with apply-time values, and a provider cannot tell that plan from the first),
// so the name check lists once more, before any key exists: one more page. A saved plan changes
// nothing: its apply re-plans in a new process too. Then POST /keys and GET /keys/{tag} per key,
// because the create answer has no nrn and no currentVersion.
func applyCost(n int) stepCost {
	return stepCost{listSweeps: 2, listedKeys: 0, phases: []phase{{keys: n, callsPerKey: 2}}}
}

// refreshCost: GET /keys/{tag} per key; nothing else when nothing changed.
func refreshCost(n int) stepCost {
	return stepCost{phases: []phase{{keys: n, callsPerKey: 1}}}
}

// updateCost: the plan walk refreshes every key (GET), then the apply walk changes the memo of
// 10 % of them (PUT /keys/{tag}/memo). The planned state already holds the new memo, so no read
// after the update is needed; no key is created, so there is no name check.
func updateCost(n int) stepCost {
	return stepCost{phases: []phase{{keys: n, callsPerKey: 1}, {keys: changedCount(n), callsPerKey: 1}}}
}

// destroyCost: the refresh before the destroy plan (GET per key), then for each key with
// deletion_policy DELETE: POST /keys/{tag}/request-deletion and DELETE /keys/{tag}.
func destroyCost(n int) stepCost {
	return stepCost{phases: []phase{{keys: n, callsPerKey: 1}, {keys: n, callsPerKey: 2}}}
}

// mockKeyState is what the checks read of a mock key.
type mockKeyState struct {
	name, status, memo string
}

func verifyCreated(keys []mockKeyState, n int) error {
	return verifyRevision(keys, n, 1)
}

func verifyUpdated(keys []mockKeyState, n int) error {
	return verifyRevision(keys, n, updatedRevision)
}

// verifyRevision checks that keys are exactly bench-00000 … of n, all ENABLE, with the memos of
// revision. Keys are created in parallel, so the mock's creation order is not the index order.
func verifyRevision(keys []mockKeyState, n, revision int) error {
	if len(keys) != n {
		return fmt.Errorf("the mock holds %d keys, want %d", len(keys), n)
	}
	byName := make(map[string]mockKeyState, len(keys))
	for _, key := range keys {
		byName[key.name] = key
	}
	for i := range n {
		key, ok := byName[keyName(i)]
		if want := memoFor(i, n, revision); !ok || key.status != "ENABLE" || key.memo != want {
			return fmt.Errorf("key %s is %+v, want status ENABLE and memo %q", keyName(i), key, want)
		}
	}
	return nil
}

func verifyDestroyed(keys []mockKeyState, _ int) error {
	if len(keys) != 0 {
		return fmt.Errorf("the mock still holds %d keys (first: %+v)", len(keys), keys[0])
	}
	return nil
}
