package provider

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestAccKeyResource_timeouts: the timeouts block limits an operation. An update that runs out of
// time stops between calls and records the steps it completed, as a stop does; a refresh that
// runs out of time fails and keeps the state.
func TestAccKeyResource_timeouts(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	config := func(name, memo string) string {
		return cliProviderConfigNoRetries(m) + testAccKeyBlock("test", name,
			"  memo = \""+memo+"\"\n  timeouts {\n    read   = \"1s\"\n    update = \"1s\"\n  }")
	}
	tag := cliApplyKey(t, wd, m, config("to-old", "first"))

	// The rename is answered at about 700 ms, and the memo call is cut at 1 s.
	m.SetLatency(700 * time.Millisecond)
	wd.SetConfig(config("to-new", "second"))
	apply := wd.Apply(tfexec.Refresh(false))
	apply.RequireFailure(t)
	if d := apply.Find("error", "Key memo update failed"); d == nil || !strings.Contains(d.Detail, "stopped part-way") {
		t.Fatalf("want the memo update to fail on the deadline:\n%s", apply.Describe())
	}
	key, _ := m.Key(tag)
	if key.KeyName != "to-new" {
		t.Fatalf("key %q, want the rename made", key.KeyName)
	}
	wd.CheckState(t, // the rename recorded and the memo unchanged
		statecheck.ExpectKnownValue(testAccKeyAddress, tfjsonpath.New("name"), knownvalue.StringExact("to-new")),
		statecheck.ExpectKnownValue(testAccKeyAddress, tfjsonpath.New("memo"), knownvalue.StringExact("first")))

	// A refresh slower than its limit fails; the state keeps the key.
	m.SetLatency(1500 * time.Millisecond)
	m.ResetJournal()
	plan := wd.Plan()
	plan.RequireFailure(t)
	if d := plan.Find("error", "Key read failed"); d == nil || !strings.Contains(d.Detail, tag) {
		t.Fatalf("want the refresh to fail on its deadline:\n%s", plan.Describe())
	}
	if got := journalCalls(m); !slices.Equal(got, []string{cliCall("GET", tag)}) {
		t.Fatalf("calls %q, want the one cut refresh", got)
	}
	wd.CheckState(t, statecheck.ExpectKnownValue(testAccKeyAddress, tfjsonpath.New("key_tag"), knownvalue.StringExact(tag)))
}
