package provider

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// TestAccKeyResource_timeouts: the timeouts block limits an operation. An update that runs out of
// time stops between calls and records the steps it completed, as a stop does; a refresh that
// runs out of time fails and keeps the state.
func TestAccKeyResource_timeouts(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	config := func(name, memo string) string {
		return cliProviderConfigNoRetries(m) + cliKeyBlock("this", name,
			"  memo = \""+memo+"\"\n  timeouts {\n    read   = \"1s\"\n    update = \"1s\"\n  }")
	}
	tag := cliApplyKey(t, wd, m, config("to-old", "first"))

	// The rename is answered at about 700 ms, and the memo call is cut at 1 s.
	m.SetLatency(700 * time.Millisecond)
	wd.SetConfig(config("to-new", "second"))
	apply := wd.Apply(tfexec.Refresh(false))
	apply.RequireFailure(t)
	if d := apply.Find("error", "Key memo update failed"); d == nil || !strings.Contains(d.Detail, "stopped part-way") {
		t.Fatalf("want the memo update to fail on the deadline:\n%s", apply.describe())
	}
	key, _ := m.Key(tag)
	attrs := wd.StateResource(cliKeyAddress)
	if key.KeyName != "to-new" || attrs["name"] != "to-new" || attrs["memo"] != "first" {
		t.Fatalf("key %q, state name %v memo %v: want the rename recorded and the memo unchanged", key.KeyName, attrs["name"], attrs["memo"])
	}

	// A refresh slower than its limit fails; the state keeps the key.
	m.SetLatency(1500 * time.Millisecond)
	m.ResetJournal()
	plan := wd.Plan()
	plan.RequireFailure(t)
	if d := plan.Find("error", "Key read failed"); d == nil || !strings.Contains(d.Detail, tag) {
		t.Fatalf("want the refresh to fail on its deadline:\n%s", plan.describe())
	}
	if got := journalCalls(m); !slices.Equal(got, []string{cliCall("GET", tag)}) {
		t.Fatalf("calls %q, want the one cut refresh", got)
	}
	if wd.StateResource(cliKeyAddress) == nil {
		t.Fatal("a failed refresh removed the key from the state")
	}
}
