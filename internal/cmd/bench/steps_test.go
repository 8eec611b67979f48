package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

func TestBenchSteps_args(t *testing.T) {
	steps := benchSteps(300, 7)
	var names []string
	for _, s := range steps {
		names = append(names, s.name)
		// terraform query has neither flag.
		if s.query != (s.args[0] == "query") {
			t.Errorf("%s: query = %t, but its command is %q", s.name, s.query, s.args[0])
		}
		if !s.query && (!slices.Contains(s.args, "-parallelism=7") || !slices.Contains(s.args, "-input=false")) {
			t.Errorf("%s: args %q lack -parallelism=7 or -input=false", s.name, s.args)
		}
	}
	if got := strings.Join(names, ","); got != "apply,refresh,update,query,query-resources,destroy" {
		t.Errorf("steps = %s", got)
	}
	if steps[1].args[0] != "plan" || !slices.Contains(steps[1].args, "-detailed-exitcode") {
		t.Errorf("refresh must be a plan with -detailed-exitcode: %q", steps[1].args)
	}
	if !slices.Contains(steps[2].args, "-var=revision=2") || !slices.Contains(steps[5].args, "-var=revision=2") {
		t.Error("update and destroy must pass the new revision")
	}
	if !slices.Contains(steps[3].args, "-var=include_resource=false") || !slices.Contains(steps[4].args, "-var=include_resource=true") {
		t.Errorf("query must list without the resources, query-resources with them: %q, %q", steps[3].args, steps[4].args)
	}
	// append on a shared slice must not let one step's args leak into another's.
	if slices.Contains(steps[0].args, "-var=revision=2") {
		t.Errorf("apply args %q carry the update's variable", steps[0].args)
	}
}

func TestBenchSteps_minimumCallsAtN300(t *testing.T) {
	// apply: two empty list pages (one per planning process), then POST + GET per key;
	// update: GET per key, then 30 memo changes; destroy: GET, last-use-info, request-deletion and
	// DELETE per key; query: the two key list pages that hold the 300 keys, and query-resources
	// GET per key besides.
	want := map[string]int{"apply": 602, "refresh": 300, "update": 330, "query": 2, "query-resources": 302, "destroy": 1200}
	for _, s := range benchSteps(300, 10) {
		if s.minCalls != want[s.name] {
			t.Errorf("%s: minCalls = %d, want %d", s.name, s.minCalls, want[s.name])
		}
	}
}

func mockKeys(n, revision int) []kmsmock.Key {
	keys := make([]kmsmock.Key, n)
	for i := range keys {
		keys[i] = kmsmock.Key{KeyName: keyName("bench", i), Status: "ENABLE", Memo: memoFor(i, n, revision)}
	}
	return keys
}

func TestVerifyKeys(t *testing.T) {
	if err := verifyKeys(mockKeys(20, 1), "bench", 20, 1); err != nil {
		t.Errorf("created: %v", err)
	}
	if err := verifyKeys(mockKeys(19, 1), "bench", 20, 1); err == nil {
		t.Error("created: a missing key passed")
	}
	if err := verifyKeys(mockKeys(20, 1), "bench", 20, 2); err == nil {
		t.Error("updated: unchanged memos passed")
	}
	if err := verifyKeys(mockKeys(20, 2), "bench", 20, 2); err != nil {
		t.Errorf("updated: %v", err)
	}
	shuffled := mockKeys(20, 1)
	shuffled[0], shuffled[5] = shuffled[5], shuffled[0]
	if err := verifyKeys(shuffled, "bench", 20, 1); err != nil {
		t.Errorf("created in another order: %v", err)
	}
	revoked := mockKeys(20, 2)
	revoked[3].Status = "REVOKE"
	if err := verifyKeys(revoked, "bench", 20, 2); err == nil {
		t.Error("updated: a REVOKE key passed")
	}
	if err := verifyKeys(nil, "bench", 20, 0); err != nil {
		t.Errorf("destroyed: %v", err)
	}
	if err := verifyKeys(revoked, "bench", 20, 0); err == nil {
		t.Error("destroyed: remaining keys passed")
	}
	// Other runs' keys (bench1-…) are theirs: they neither count nor satisfy this run.
	others := mockKeys(20, 1)
	for i := range others {
		others[i].KeyName = strings.Replace(others[i].KeyName, "bench-", "bench1-", 1)
	}
	if err := verifyKeys(others, "bench", 20, 0); err != nil {
		t.Errorf("destroyed while another run's keys remain: %v", err)
	}
	if err := verifyKeys(append(others, mockKeys(20, 1)...), "bench", 20, 1); err != nil {
		t.Errorf("created beside another run's keys: %v", err)
	}
	if err := verifyKeys(others, "bench", 20, 1); err == nil {
		t.Error("created: another run's keys passed for this run's")
	}
}
