package main

import (
	"testing"
	"time"
)

func TestListPages(t *testing.T) {
	for keys, want := range map[int]int{0: 1, 1: 1, 200: 1, 201: 2, 300: 2, 1000: 5} {
		if got := listPages(keys); got != want {
			t.Errorf("listPages(%d) = %d, want %d", keys, got, want)
		}
	}
}

func TestStepCost_issueExamplesAtN300(t *testing.T) {
	const latency, parallelism = 25 * time.Millisecond, 10
	for _, tc := range []struct {
		name      string
		cost      stepCost
		wantCalls int
		wantIdeal time.Duration
	}{
		// Two empty list pages (one per planning process), then POST + GET per key: 2 x 30 rounds.
		{"apply", applyCost(300), 602, 2*latency + 60*latency},
		{"refresh", refreshCost(300), 300, 30 * latency},
		// 30 rounds of GET, then 30 memo changes in 3 rounds.
		{"update", updateCost(300), 330, 33 * latency},
		// 30 rounds of GET, then request-deletion + DELETE: 60 rounds.
		{"destroy", destroyCost(300), 900, 90 * latency},
	} {
		if got := tc.cost.minimumCalls(); got != tc.wantCalls {
			t.Errorf("%s: minimumCalls = %d, want %d", tc.name, got, tc.wantCalls)
		}
		if got := tc.cost.idealAPITime(latency, parallelism); got != tc.wantIdeal {
			t.Errorf("%s: idealAPITime = %s, want %s", tc.name, got, tc.wantIdeal)
		}
	}
}

func TestStepCost_partialRoundAndListedKeys(t *testing.T) {
	cost := stepCost{listSweeps: 1, listedKeys: 401, phases: []phase{{keys: 11, callsPerKey: 2}}}
	if got := cost.minimumCalls(); got != 3+22 {
		t.Errorf("minimumCalls = %d, want 25", got)
	}
	// 3 pages + 2 calls x ceil(11/10) = 2 rounds each.
	if got := cost.idealAPITime(time.Second, 10); got != 7*time.Second {
		t.Errorf("idealAPITime = %s, want 7s", got)
	}
	if got := cost.idealAPITime(0, 10); got != 0 {
		t.Errorf("no latency: idealAPITime = %s, want 0", got)
	}
}
