package provider

import (
	"net/http"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

// These tests drive the Terraform CLI directly (internal/tfcli) for what terraform-plugin-testing
// cannot do: read warnings, and run terraform untaint.

// TestAccKeyResource_failureAfterCreateUntaint: a key whose create stopped part-way can be kept
// instead of replaced: after terraform untaint, the next apply finishes configuring it.
func TestAccKeyResource_failureAfterCreateUntaint(t *testing.T) {
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SetConfig(testAccKeyConfig(m, "cli-key", "  enabled = false"))

	m.InjectFault(kmsmock.Fault{Method: http.MethodPost, PathSuffix: "/disable", Status: http.StatusForbidden})
	failed := wd.Apply()
	failed.RequireFailure(t)
	if failed.Find("error", "Key disable failed") == nil {
		t.Fatalf("want the error %q, got %v", "Key disable failed", failed.Diagnostics)
	}
	keys := m.Keys()
	if len(keys) != 1 {
		t.Fatalf("mock holds %d keys after the failed create, want 1", len(keys))
	}
	wd.CheckState(t, statecheck.ExpectKnownValue(testAccKeyAddress, tfjsonpath.New("id"), knownvalue.StringExact(keys[0].KeyTag)))

	if res := wd.Untaint(testAccKeyAddress); res.Failed() {
		t.Fatalf("terraform untaint failed:\n%s\n%s", res.Stdout, res.Stderr)
	}
	m.ResetJournal()
	wd.Apply().RequireSuccess(t)

	if got, want := fromFirstChange(journalCalls(m)), []string{"POST /keys/" + keys[0].KeyTag + "/disable"}; !slices.Equal(got, want) {
		t.Errorf("repair calls %q, want %q", got, want)
	}
	if key, _ := m.Key(keys[0].KeyTag); len(m.Keys()) != 1 || key.Status != "DISABLE" {
		t.Errorf("after the repair the mock holds %+v, want the same key, DISABLE", m.Keys())
	}
}
