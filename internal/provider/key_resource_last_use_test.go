package provider

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// The last use of a key in every plan that deletes or schedules it, and the guard
// refuse_deletion_if_used_within (DESIGN.md §5 "Knowing before deleting").

// newTFWorkdirOnMockClock runs the provider on the mock's model clock, so that "an hour ago" and
// the guard's window agree with the uses the mock records after AdvanceClock.
func newTFWorkdirOnMockClock(t *testing.T, m *kmsmock.Server) *tfcli.Workdir {
	t.Helper()
	return newTFWorkdirWith(t, Options{Now: m.Now})
}

func recordUse(t *testing.T, m *kmsmock.Server, tag string, ago time.Duration, ip, action string) kmsmock.Use {
	t.Helper()
	use := kmsmock.Use{At: m.Now().Add(-ago), RequestType: kmsapi.RequestTypeAPI, IP: ip, Action: action}
	if err := m.RecordUse(tag, use); err != nil {
		t.Fatal(err)
	}
	return use
}

// countCalls counts the journal's calls whose path ends with suffix.
func countCalls(m *kmsmock.Server, method, suffix string) int {
	n := 0
	for _, c := range m.Journal() {
		if c.Method == method && strings.HasSuffix(c.Path, suffix) {
			n++
		}
	}
	return n
}

// lastUseLine is the line the detail must end with for a use recorded ago before the mock's now.
func lastUseLine(at time.Time, ago time.Duration, ip, action string) string {
	return fmt.Sprintf("Last use: %s (%s ago), API request by account 2000001 from %s, action %s.",
		formatTime(at), ago, ip, action)
}

// TestAccKeyResource_lastUseInDestroyPlan: a destroy plan of three keys, one used an hour ago, one
// never used, one abandoned: one last-use call for each key deleted or scheduled, none for the
// abandoned one, and each deletion's detail ends with the last use.
func TestAccKeyResource_lastUseInDestroyPlan(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdirOnMockClock(t, m)
	wd.SkipWithout(featurePlanTimeDeletionDiagnostics)
	wd.SetConfig(testAccProviderConfig(m) +
		testAccKeyBlock("used", "lu-used", "") +
		testAccKeyBlock("unused", "lu-unused", `  deletion_policy = "SCHEDULE"`) +
		testAccKeyBlock("abandoned", "lu-abandoned", `  deletion_policy = "ABANDON"`))
	wd.Apply().RequireSuccess(t)
	used, unused, abandoned := cliStateKeyTag(t, wd, "ncloudkms_key.used"), cliStateKeyTag(t, wd, "ncloudkms_key.unused"),
		cliStateKeyTag(t, wd, "ncloudkms_key.abandoned")
	use := recordUse(t, m, used, time.Hour, "10.0.0.7", "decrypt")
	recordUse(t, m, abandoned, time.Minute, "10.0.0.8", "encrypt")
	m.ResetJournal()

	plan := wd.Plan(tfexec.Destroy(true))
	plan.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, plan, tfcli.Warning(summaryKeyWillBeDeleted, "ncloudkms_key.used"),
		tfcli.Warning(summaryKeyWillBeScheduled, "ncloudkms_key.unused"), tfcli.Warning(summaryKeyWillBeAbandoned, "ncloudkms_key.abandoned"))
	for _, d := range plan.Diagnostics {
		t.Logf("%s\n    %s", d, strings.ReplaceAll(d.Detail, "\n", "\n    "))
	}
	t.Logf("journal of the destroy plan: %q", journalCalls(m))
	if d := plan.Find("warning", summaryKeyWillBeDeleted); !strings.HasSuffix(d.Detail, lastUseLine(use.At, time.Hour, "10.0.0.7", "decrypt")) {
		t.Errorf("the deletion does not end with the last use:\n%s", d.Detail)
	}
	if d := plan.Find("warning", summaryKeyWillBeScheduled); !strings.HasSuffix(d.Detail, "Last use: no use recorded.") {
		t.Errorf("the scheduled deletion does not end with \"no use recorded\":\n%s", d.Detail)
	}
	if d := plan.Find("warning", summaryKeyWillBeAbandoned); strings.Contains(d.Detail, "Last use") {
		t.Errorf("an abandoned key's detail names a last use:\n%s", d.Detail)
	}
	for tag, want := range map[string]int{used: 1, unused: 1, abandoned: 0} {
		if got := countCalls(m, "GET", "/keys/"+tag+"/last-use-info"); got != want {
			t.Errorf("last-use-info calls for %s: %d, want %d (journal %q)", tag, got, want, journalCalls(m))
		}
	}
	if got := countCalls(m, "GET", "/activities"); got != 0 {
		t.Errorf("%d activity-log calls, want none: no last use is an automatic rotation", got)
	}
	requireNoMutatingCalls(t, m)
}

// TestAccKeyResource_lastUseCallsScale: a destroy plan of 50 keys makes exactly 50 last-use calls;
// a refresh makes none.
func TestAccKeyResource_lastUseCallsScale(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SkipWithout(featurePlanTimeDeletionDiagnostics)
	wd.SetConfig(testAccProviderConfig(m) + `
resource "ncloudkms_key" "many" {
  count = 50
  name  = "lu-many-${count.index}"
  type  = "AES256"
}
`)
	wd.Apply().RequireSuccess(t)

	m.ResetJournal()
	wd.Refresh().RequireSuccess(t)
	if got := countCalls(m, "GET", "/last-use-info"); got != 0 {
		t.Fatalf("a refresh made %d last-use calls, want none", got)
	}
	m.ResetJournal()
	wd.Plan(tfexec.Destroy(true)).RequireSuccess(t)
	if got := countCalls(m, "GET", "/last-use-info"); got != 50 {
		t.Fatalf("a destroy plan of 50 keys made %d last-use calls, want 50", got)
	}
}

// TestAccKeyResource_lastUseBehindAutomaticRotation: an application used the key an hour before
// an automatic rotation. last-use-info then names the rotation (a SYSTEM use); the plan reads the
// activity log, names the application's use, and the guard still refuses the deletion.
func TestAccKeyResource_lastUseBehindAutomaticRotation(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdirOnMockClock(t, m)
	wd.SkipWithout(featurePlanTimeDeletionDiagnostics)
	tag := cliApplyKey(t, wd, m, testAccKeyConfig(m, "lu-rotated",
		"  rotation_period_days = 1\n  refuse_deletion_if_used_within = \"720h\""))
	m.AdvanceClock(23 * time.Hour)
	use := recordUse(t, m, tag, 0, "10.0.0.7", "encrypt")
	m.AdvanceClock(time.Hour + time.Minute) // the automatic rotation falls due
	if newest, _ := m.Uses(tag); len(newest) == 0 || newest[0].RequestType != kmsapi.RequestTypeSystem {
		t.Fatalf("the mock's newest use is not the automatic rotation: %+v", newest)
	}
	m.ResetJournal()

	plan := wd.Plan(tfexec.Destroy(true), tfexec.Refresh(false))
	plan.RequireFailure(t)
	tfcli.RequireDiagnostics(t, plan, tfcli.Error(summaryKeyUsedRecently, testAccKeyAddress), tfcli.Warning(summaryKeyWillBeDeleted, testAccKeyAddress))
	line := lastUseLine(use.At, time.Hour+time.Minute, "10.0.0.7", "encrypt")
	tfcli.RequireDetail(t, plan, "error", summaryKeyUsedRecently, tag, `refuse_deletion_if_used_within = "720h"`, line)
	tfcli.RequireDetail(t, plan, "warning", summaryKeyWillBeDeleted, line)
	if got := countCalls(m, "GET", "/keys/"+tag+"/last-use-info"); got != 1 {
		t.Errorf("%d last-use calls, want 1", got)
	}
	if got := countCalls(m, "GET", "/keys/"+tag+"/activities"); got != 1 {
		t.Errorf("%d activity-log calls, want 1 (the first page holds the application's use)", got)
	}
	requireNoMutatingCalls(t, m)
}

// TestAccKeyResource_deletionGuard: refuse_deletion_if_used_within refuses, at plan time, the
// deletion of a key that an application used within the window, and fails closed when the last
// use cannot be read; without the guard an unreadable last use is said and the plan goes on.
func TestAccKeyResource_deletionGuard(t *testing.T) {
	t.Parallel()
	const guard = `  refuse_deletion_if_used_within = "720h"`
	for _, tc := range []struct {
		name      string
		arguments string
		arrange   func(t *testing.T, m *kmsmock.Server, tag string)
		diags     []tfcli.Diag
		detail    string // a fragment of the deletion warning's last line
	}{
		{"used within the window", guard,
			func(t *testing.T, m *kmsmock.Server, tag string) {
				recordUse(t, m, tag, time.Hour, "10.0.0.7", "decrypt")
			},
			[]tfcli.Diag{tfcli.Error(summaryKeyUsedRecently, testAccKeyAddress), tfcli.Warning(summaryKeyWillBeDeleted, testAccKeyAddress)},
			"API request by account 2000001 from 10.0.0.7, action decrypt"},
		{"used before the window", guard,
			func(t *testing.T, m *kmsmock.Server, tag string) {
				recordUse(t, m, tag, 800*time.Hour, "10.0.0.7", "decrypt")
			},
			[]tfcli.Diag{tfcli.Warning(summaryKeyWillBeDeleted, testAccKeyAddress)}, "(800h0m0s ago)"},
		{"never used", guard, nil,
			[]tfcli.Diag{tfcli.Warning(summaryKeyWillBeDeleted, testAccKeyAddress)}, "Last use: no use recorded."},
		{"last use unreadable, guarded", guard,
			func(_ *testing.T, m *kmsmock.Server, _ string) {
				m.InjectFault(kmsmock.Fault{Method: http.MethodGet, PathSuffix: "/last-use-info", Status: http.StatusInternalServerError})
			},
			[]tfcli.Diag{tfcli.Error(summaryKeyLastUseUnreadable, testAccKeyAddress), tfcli.Warning(summaryKeyWillBeDeleted, testAccKeyAddress)},
			"Last use: could not be read"},
		{"last use unreadable, not guarded", "",
			func(_ *testing.T, m *kmsmock.Server, _ string) {
				m.InjectFault(kmsmock.Fault{Method: http.MethodGet, PathSuffix: "/last-use-info", Status: http.StatusInternalServerError})
			},
			[]tfcli.Diag{tfcli.Warning(summaryKeyWillBeDeleted, testAccKeyAddress)}, "Last use: could not be read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := testAccMock(t)
			wd := newTFWorkdirOnMockClock(t, m)
			wd.SkipWithout(featurePlanTimeDeletionDiagnostics)
			tag := cliApplyKey(t, wd, m, cliProviderConfigNoRetries(m)+testAccKeyBlock("test", "lu-guard", tc.arguments))
			if tc.arrange != nil {
				tc.arrange(t, m, tag)
			}
			plan := wd.Plan(tfexec.Destroy(true))
			tfcli.RequireDiagnostics(t, plan, tc.diags...)
			tfcli.RequireDetail(t, plan, "warning", summaryKeyWillBeDeleted, tc.detail)
			requireNoMutatingCalls(t, m)
			if plan.Failed() {
				cliRequireMockStatus(t, m, tag, kmsapi.StatusEnable)
				return
			}
			wd.Destroy().RequireSuccess(t)
			cliRequireMockGone(t, m, tag)
		})
	}
}

// TestAccKeyResource_deletionGuardInDelete: a use between the plan and its apply is caught by
// Delete, which reads the last use again before its first call and deletes nothing.
func TestAccKeyResource_deletionGuardInDelete(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdirOnMockClock(t, m)
	wd.SkipWithout(featurePlanTimeDeletionDiagnostics)
	tag := cliApplyKey(t, wd, m, testAccKeyConfig(m, "lu-late", `  refuse_deletion_if_used_within = "24h"`))
	plan := wd.Plan(tfexec.Destroy(true))
	plan.RequireSuccess(t)
	tfcli.RequireDetail(t, plan, "warning", summaryKeyWillBeDeleted, "Last use: no use recorded.")

	recordUse(t, m, tag, 0, "10.0.0.9", "sign")
	m.ResetJournal()
	apply := wd.Apply(tfexec.DirOrPlan(plan.PlanFile(t)))
	apply.RequireFailure(t)
	tfcli.RequireDiagnostics(t, apply, tfcli.Error(summaryKeyUsedRecently, cliNoAddress))
	requireCLIJournal(t, m, cliCall("GET", tag, "last-use-info"))
	cliRequireMockStatus(t, m, tag, kmsapi.StatusEnable)
}
