package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// Deletion tests run the real Terraform CLI (internal/tfcli), because warnings and the resource
// address of plan-time diagnostics are only visible there. Each asserts the diagnostics by
// severity, summary and address, and the exact calls the mock received.

func TestAccKeyResource_deletePolicy(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SkipWithout(featurePlanTimeDeletionDiagnostics)
	tag := cliApplyKey(t, wd, m, testAccKeyConfig(m, "del-delete", ""))

	plan := wd.Plan(tfexec.Destroy(true))
	plan.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, plan, tfcli.Warning(summaryKeyWillBeDeleted, testAccKeyAddress))
	tfcli.RequireDetail(t, plan, "warning", summaryKeyWillBeDeleted,
		`"del-delete"`, tag, "Both the deletion request and the final delete happen in this apply", "deletion_policy = \"SCHEDULE\"")
	requireCLIJournal(t, m, cliCall("GET", tag), cliCall("GET", tag, "last-use-info"))

	m.ResetJournal()
	destroy := wd.Destroy()
	destroy.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, destroy, tfcli.Warning(summaryKeyWillBeDeleted, testAccKeyAddress))
	requireCLIJournal(t, m, cliCall("GET", tag), cliCall("GET", tag, "last-use-info"), cliCall("POST", tag, "request-deletion"), cliCall("DELETE", tag))
	cliRequireMockGone(t, m, tag)
	wd.CheckState(t, tfcli.ExpectNoResource(testAccKeyAddress))
}

func TestAccKeyResource_schedulePolicy(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SkipWithout(featurePlanTimeDeletionDiagnostics)
	tag := cliApplyKey(t, wd, m, testAccKeyConfig(m, "del-schedule", `  deletion_policy = "SCHEDULE"`))

	plan := wd.Plan(tfexec.Destroy(true))
	plan.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, plan, tfcli.Warning(summaryKeyWillBeScheduled, testAccKeyAddress))
	tfcli.RequireDetail(t, plan, "warning", summaryKeyWillBeScheduled,
		`"del-schedule"`, tag, "72 hours", "cancel deletion", "terraform import <address> "+tag)

	m.ResetJournal()
	before := m.Now()
	destroy := wd.Destroy()
	after := m.Now()
	destroy.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, destroy, tfcli.Warning(summaryKeyWillBeScheduled, testAccKeyAddress))
	requireCLIJournal(t, m, cliCall("GET", tag), cliCall("GET", tag, "last-use-info"), cliCall("POST", tag, "request-deletion"))

	key := cliRequireMockStatus(t, m, tag, kmsapi.StatusRevoke)
	destroyAt := kmsapi.MillisToTime(key.DestroyDate)
	if destroyAt.Before(before.Add(72*time.Hour).Truncate(time.Millisecond)) || destroyAt.After(after.Add(72*time.Hour)) {
		t.Fatalf("destroyDate %s, want 72h after the request (between %s and %s)", destroyAt,
			before.Add(72*time.Hour), after.Add(72*time.Hour))
	}
}

// The date that a SCHEDULE warning gives comes from the provider's clock (Options.Now).
func TestAccKeyResource_scheduleDateFromProviderClock(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	now := time.Date(2031, time.March, 4, 5, 6, 7, 0, time.UTC)
	wd := newTFWorkdirWith(t, Options{Now: func() time.Time { return now }})
	wd.SkipWithout(featurePlanTimeDeletionDiagnostics)
	cliApplyKey(t, wd, m, testAccKeyConfig(m, "del-clock", `  deletion_policy = "SCHEDULE"`))

	plan := wd.Plan(tfexec.Destroy(true))
	plan.RequireSuccess(t)
	tfcli.RequireDetail(t, plan, "warning", summaryKeyWillBeScheduled, "around 2031-03-07T05:06:07Z if you apply now")
}

func TestAccKeyResource_abandonPolicy(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SkipWithout(featurePlanTimeDeletionDiagnostics)
	tag := cliApplyKey(t, wd, m, testAccKeyConfig(m, "del-abandon", `  deletion_policy = "ABANDON"`))

	plan := wd.Plan(tfexec.Destroy(true))
	plan.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, plan, tfcli.Warning(summaryKeyWillBeAbandoned, testAccKeyAddress))
	tfcli.RequireDetail(t, plan, "warning", summaryKeyWillBeAbandoned, `"del-abandon"`, tag, "billed", "without any API call")

	m.ResetJournal()
	destroy := wd.Destroy()
	destroy.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, destroy, tfcli.Warning(summaryKeyWillBeAbandoned, testAccKeyAddress))
	requireCLIJournal(t, m, cliCall("GET", tag))
	cliRequireMockStatus(t, m, tag, kmsapi.StatusEnable)
	wd.CheckState(t, tfcli.ExpectNoResource(testAccKeyAddress))
}

// A key whose deletion was requested in the console is refreshed as REVOKE: destroy then makes
// only the final delete call (DELETE policy), or no call at all (SCHEDULE policy).
func TestAccKeyResource_alreadyPending(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		policy, summary string
		calls           func(tag string) []string
		gone            bool
	}{
		{deletionPolicyDelete, summaryKeyWillBeDeleted, func(tag string) []string {
			return []string{cliCall("GET", tag), cliCall("GET", tag, "last-use-info"), cliCall("DELETE", tag)}
		}, true},
		{deletionPolicySchedule, summaryKeyWillBeScheduled, func(tag string) []string {
			return []string{cliCall("GET", tag), cliCall("GET", tag, "last-use-info")}
		}, false},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			t.Parallel()
			m := testAccMock(t)
			wd := newTFWorkdir(t)
			wd.SkipWithout(featurePlanTimeDeletionDiagnostics)
			tag := cliApplyKey(t, wd, m, testAccKeyConfig(m, "del-pending", fmt.Sprintf("  deletion_policy = %q", tc.policy)))
			if err := m.RequestDeletion(tag); err != nil {
				t.Fatal(err)
			}
			key, _ := m.Key(tag)
			destroyAt := formatMillis(key.DestroyDate)

			plan := wd.Plan(tfexec.Destroy(true))
			plan.RequireSuccess(t)
			tfcli.RequireDiagnostics(t, plan, tfcli.Warning(tc.summary, testAccKeyAddress))
			tfcli.RequireDetail(t, plan, "warning", tc.summary, tag, "already pending deletion", destroyAt)

			m.ResetJournal()
			destroy := wd.Destroy()
			destroy.RequireSuccess(t)
			tfcli.RequireDiagnostics(t, destroy, tfcli.Warning(tc.summary, testAccKeyAddress))
			requireCLIJournal(t, m, tc.calls(tag)...)
			if tc.gone {
				cliRequireMockGone(t, m, tag)
			} else {
				cliRequireMockStatus(t, m, tag, kmsapi.StatusRevoke)
			}
		})
	}
}

// A key deleted outside Terraform counts as destroyed: the refresh finds it gone, and a destroy that skips the refresh takes the 404 of the deletion request as success.
func TestAccKeyResource_alreadyGone(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		args  []tfexec.DestroyOption
		calls func(tag string) []string
		diags []tfcli.Diag
	}{
		// terraform destroy shows only errors of its refresh, so Read's "Key deleted outside
		// Terraform" warning does not appear here (terraform plan shows it). Terraform then plans
		// the configured key as a create it will not make, whose name check lists the keys.
		{"refreshed", nil, func(tag string) []string { return []string{cliCall("GET", tag), cliCall("GET", "")} }, nil},
		{"without refresh", []tfexec.DestroyOption{tfexec.Refresh(false)}, func(tag string) []string {
			return []string{cliCall("GET", tag, "last-use-info"), cliCall("POST", tag, "request-deletion")}
		}, []tfcli.Diag{tfcli.Warning(summaryKeyWillBeDeleted, testAccKeyAddress)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := testAccMock(t)
			wd := newTFWorkdir(t)
			wd.SkipWithout(featurePlanTimeDeletionDiagnostics)
			tag := cliApplyKey(t, wd, m, testAccKeyConfig(m, "del-gone", ""))
			if err := m.RequestDeletion(tag); err != nil {
				t.Fatal(err)
			}
			if err := m.DeleteKey(tag); err != nil {
				t.Fatal(err)
			}
			m.ResetJournal()

			destroy := wd.Destroy(tc.args...)
			destroy.RequireSuccess(t)
			tfcli.RequireDiagnostics(t, destroy, tc.diags...)
			requireCLIJournal(t, m, tc.calls(tag)...)
			wd.CheckState(t, tfcli.ExpectNoResource(testAccKeyAddress))
		})
	}
}

// Someone requests the deletion between the refresh and the apply: the request answers 422,
// one read shows REVOKE, and the final delete goes ahead.
func TestAccKeyResource_revokedSinceRefresh(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	tag := cliApplyKey(t, wd, m, testAccKeyConfig(m, "del-race", ""))
	if err := m.RequestDeletion(tag); err != nil {
		t.Fatal(err)
	}
	m.ResetJournal()

	destroy := wd.Destroy(tfexec.Refresh(false))
	destroy.RequireSuccess(t)
	requireCLIJournal(t, m, cliCall("GET", tag, "last-use-info"),
		cliCall("POST", tag, "request-deletion"), cliCall("GET", tag), cliCall("DELETE", tag))
	if status := m.Journal()[1].Status; status != 422 {
		t.Fatalf("request-deletion answered %d, want 422", status)
	}
	cliRequireMockGone(t, m, tag)
}

func TestAccKeyResource_deletionProtection(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SkipWithout(featurePlanTimeDeletionDiagnostics)
	tag := cliApplyKey(t, wd, m, testAccKeyConfig(m, "del-protect", "  deletion_protection = true"))

	plan := wd.Plan(tfexec.Destroy(true))
	plan.RequireFailure(t)
	tfcli.RequireDiagnostics(t, plan, tfcli.Error(summaryKeyDeletionProtected, testAccKeyAddress))
	tfcli.RequireDetail(t, plan, "error", summaryKeyDeletionProtected, `"del-protect"`, tag,
		"set deletion_protection = false", "terraform apply", "removed {", "destroy = false")

	destroy := wd.Destroy()
	destroy.RequireFailure(t)
	tfcli.RequireDiagnostics(t, destroy, tfcli.Error(summaryKeyDeletionProtected, testAccKeyAddress))

	// Removing the block from the configuration is a destroy too.
	wd.SetConfig(testAccProviderConfig(m))
	apply := wd.Apply()
	apply.RequireFailure(t)
	tfcli.RequireDiagnostics(t, apply, tfcli.Error(summaryKeyDeletionProtected, cliNoAddress))

	requireNoMutatingCalls(t, m)
	cliRequireMockStatus(t, m, tag, kmsapi.StatusEnable)

	// The two documented steps: turn protection off and apply, then destroy.
	wd.SetConfig(testAccKeyConfig(m, "del-protect", "  deletion_protection = false"))
	m.ResetJournal()
	unprotect := wd.Apply()
	unprotect.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, unprotect)
	requireCLIJournal(t, m, cliCall("GET", tag))

	m.ResetJournal()
	destroy = wd.Destroy()
	destroy.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, destroy, tfcli.Warning(summaryKeyWillBeDeleted, testAccKeyAddress))
	requireCLIJournal(t, m, cliCall("GET", tag), cliCall("GET", tag, "last-use-info"), cliCall("POST", tag, "request-deletion"), cliCall("DELETE", tag))
	cliRequireMockGone(t, m, tag)
}

// The removed block that the protection error suggests forgets the key without any call.
func TestAccKeyResource_protectedKeyForgotten(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SkipWithout(featureRemovedBlocks)
	tag := cliApplyKey(t, wd, m, testAccKeyConfig(m, "del-forget", "  deletion_protection = true"))

	wd.SetConfig(testAccProviderConfig(m) + `
removed {
  from = ncloudkms_key.test
  lifecycle {
    destroy = false
  }
}
`)
	apply := wd.Apply()
	apply.RequireSuccess(t)
	for _, d := range apply.Diagnostics {
		if d.Address == testAccKeyAddress || d.Severity == "error" {
			t.Errorf("unexpected diagnostic %s", d)
		}
	}
	if wd.CLI().IsOpenTofu() {
		requireCLIJournal(t, m, cliCall("GET", tag)) // OpenTofu refreshes the key before it forgets it
	} else {
		requireCLIJournal(t, m)
	}
	cliRequireMockStatus(t, m, tag, kmsapi.StatusEnable)
	wd.CheckState(t, tfcli.ExpectNoResource(testAccKeyAddress))
}

// Removing the resource block plans the same destroy as terraform destroy, with the same warning.
func TestAccKeyResource_removedFromConfiguration(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SkipWithout(featurePlanTimeDeletionDiagnostics)
	tag := cliApplyKey(t, wd, m, testAccKeyConfig(m, "del-removed", ""))

	wd.SetConfig(testAccProviderConfig(m))
	plan := wd.Plan()
	plan.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, plan, tfcli.Warning(summaryKeyWillBeDeleted, cliNoAddress))

	m.ResetJournal()
	apply := wd.Apply()
	apply.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, apply, tfcli.Warning(summaryKeyWillBeDeleted, cliNoAddress))
	requireCLIJournalPhases(t, journalCalls(m), []string{cliCall("GET", tag), cliCall("GET", tag, "last-use-info")},
		cliCall("POST", tag, "request-deletion"), cliCall("DELETE", tag))
	cliRequireMockGone(t, m, tag)
}

// A type change replaces the key: the plan warns that the current key is deleted, and the apply
// deletes it (request, then final delete) before it creates the new one under the same name.
func TestAccKeyResource_replacement(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	oldTag := cliApplyKey(t, wd, m, testAccKeyConfig(m, "del-replace", ""))
	replaced := testAccProviderConfig(m) + `
resource "ncloudkms_key" "test" {
  name = "del-replace"
  type = "RSA2048"
}
`
	wd.SetConfig(replaced)
	plan := wd.Plan()
	plan.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, plan, tfcli.Warning(summaryKeyWillBeDeleted, testAccKeyAddress))
	tfcli.RequireDetail(t, plan, "warning", summaryKeyWillBeDeleted, oldTag, `type changes from "AES256" to "RSA2048"`)

	m.ResetJournal()
	apply := wd.Apply()
	apply.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, apply, tfcli.Warning(summaryKeyWillBeDeleted, testAccKeyAddress))
	newTag := cliStateKeyTag(t, wd, testAccKeyAddress)
	if newTag == oldTag {
		t.Fatal("the key was not replaced")
	}
	// Plan walk: refresh, the old key's last use, name check (the key being replaced does not count). Apply walk: the
	// deletion, then the create, whose name check reads the listed old key again and finds it gone.
	requireCLIJournal(t, m,
		cliCall("GET", oldTag), cliCall("GET", oldTag, "last-use-info"), cliCall("GET", ""),
		cliCall("POST", oldTag, "request-deletion"), cliCall("DELETE", oldTag),
		cliCall("GET", oldTag), cliCall("POST", ""), cliCall("GET", newTag))
	cliRequireMockGone(t, m, oldTag)
	if key := cliRequireMockStatus(t, m, newTag, kmsapi.StatusEnable); key.KeyType != "RSA2048" {
		t.Fatalf("new key type %s, want RSA2048", key.KeyType)
	}
}

// A protected key cannot be replaced: the plan fails and nothing is called.
func TestAccKeyResource_replacementProtected(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	tag := cliApplyKey(t, wd, m, testAccKeyConfig(m, "del-reprot", "  deletion_protection = true"))
	wd.SetConfig(testAccProviderConfig(m) + `
resource "ncloudkms_key" "test" {
  name                = "del-reprot"
  type                = "ECDSA"
  deletion_protection = true
}
`)
	apply := wd.Apply()
	apply.RequireFailure(t)
	tfcli.RequireDiagnostics(t, apply, tfcli.Error(summaryKeyDeletionProtected, testAccKeyAddress))
	tfcli.RequireDetail(t, apply, "error", summaryKeyDeletionProtected, tag, `type changes from "AES256" to "ECDSA"`)
	requireNoMutatingCalls(t, m)
	cliRequireMockStatus(t, m, tag, kmsapi.StatusEnable)
}

// Destroying one key of two never touches the other.
func TestAccKeyResource_oneOfTwo(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SkipWithout(featurePlanTimeDeletionDiagnostics)
	keep := testAccKeyBlock("test", "del-keep", "")
	wd.SetConfig(testAccProviderConfig(m) + keep + testAccKeyBlock("other", "del-other", ""))
	wd.Apply().RequireSuccess(t)
	keepTag := cliStateKeyTag(t, wd, testAccKeyAddress)
	otherTag := cliStateKeyTag(t, wd, "ncloudkms_key.other")
	m.ResetJournal()

	wd.SetConfig(testAccProviderConfig(m) + keep)
	apply := wd.Apply()
	apply.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, apply, tfcli.Warning(summaryKeyWillBeDeleted, cliNoAddress))

	var keepCalls, otherCalls, rest []string
	for _, c := range journalCalls(m) {
		switch {
		case strings.Contains(c, keepTag):
			keepCalls = append(keepCalls, c)
		case strings.Contains(c, otherTag):
			otherCalls = append(otherCalls, c)
		default:
			rest = append(rest, c)
		}
	}
	if want := []string{cliCall("GET", keepTag)}; !slices.Equal(keepCalls, want) {
		t.Errorf("calls on the kept key: %q, want only its refresh %q", keepCalls, want)
	}
	requireCLIJournalPhases(t, otherCalls, []string{cliCall("GET", otherTag), cliCall("GET", otherTag, "last-use-info")},
		cliCall("POST", otherTag, "request-deletion"), cliCall("DELETE", otherTag))
	if len(rest) > 0 {
		t.Errorf("other calls: %q", rest)
	}
	cliRequireMockStatus(t, m, keepTag, kmsapi.StatusEnable)
	cliRequireMockGone(t, m, otherTag)
}

// The final delete fails after the deletion request succeeded: the error says so and when the
// key goes anyway, the state keeps the key as REVOKE, and the next destroy only deletes.
func TestAccKeyResource_interruptedTwoPhase(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SkipWithout(featurePlanTimeDeletionDiagnostics)
	tag := cliApplyKey(t, wd, m, cliProviderConfigNoRetries(m)+testAccKeyBlock("test", "del-broken", ""))
	m.InjectFault(kmsmock.Fault{Method: "DELETE", PathSuffix: "/keys/" + tag, Status: 500, Times: 1})

	destroy := wd.Destroy()
	destroy.RequireFailure(t)
	key := cliRequireMockStatus(t, m, tag, kmsapi.StatusRevoke)
	destroyAt := formatMillis(key.DestroyDate)
	summary := summaryFinalDeleteFailed(destroyAt)
	tfcli.RequireDiagnostics(t, destroy, tfcli.Warning(summaryKeyWillBeDeleted, testAccKeyAddress), tfcli.Error(summary, cliNoAddress))
	tfcli.RequireDetail(t, destroy, "error", summary, `"del-broken"`, tag, "stays in the Terraform state with status REVOKE")
	if d := destroy.Find("error", summary); !regexpAPITail.MatchString(d.Detail) {
		t.Errorf("detail does not end with the API's code, message and request id:\n%s", d.Detail)
	}
	requireCLIJournal(t, m, cliCall("GET", tag), cliCall("GET", tag, "last-use-info"),
		cliCall("POST", tag, "request-deletion"), cliCall("DELETE", tag))
	if last := m.Journal()[3]; last.Status != 500 || !last.Fault {
		t.Fatalf("DELETE: %+v, want the injected 500", last)
	}

	// The key stays in the state although its final delete failed, as pending.
	wd.CheckState(t,
		statecheck.ExpectKnownValue(testAccKeyAddress, tfjsonpath.New("status"), knownvalue.StringExact(kmsapi.StatusRevoke)),
		statecheck.ExpectKnownValue(testAccKeyAddress, tfjsonpath.New("deletion_scheduled_for"), knownvalue.StringExact(destroyAt)),
		statecheck.ExpectKnownValue(testAccKeyAddress, tfjsonpath.New("enabled"), knownvalue.Bool(false)))

	// The state alone says the key is pending: even without a refresh, only the final delete is made.
	m.ResetJournal()
	again := wd.Destroy(tfexec.Refresh(false))
	again.RequireSuccess(t)
	requireCLIJournal(t, m, cliCall("GET", tag, "last-use-info"), cliCall("DELETE", tag))
	cliRequireMockGone(t, m, tag)
}

// Delete's own paths that a plan cannot reach: the protection backstop, refusals and races,
// each with the exact calls made.
func TestAccKeyResource_deleteCallsDirectly(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		policy      string
		protected   bool
		unannounced bool // applied without the private data of a plan that announced the removal
		arrange     func(m *kmsmock.Server, tag string)
		calls       func(tag string) []string
		summary     string // expected error summary, "" for success
		status      string // key status in the mock afterwards, "" for gone
	}{
		{"protection backstop", deletionPolicyDelete, true, false, nil,
			func(string) []string { return nil }, summaryKeyDeletionProtected, kmsapi.StatusEnable},
		{"removal the plan did not announce, DELETE", deletionPolicyDelete, false, true, nil,
			func(string) []string { return nil }, summaryKeyRemovalNotAnnounced, kmsapi.StatusEnable},
		{"removal the plan did not announce, ABANDON", deletionPolicyAbandon, false, true, nil,
			func(string) []string { return nil }, summaryKeyRemovalNotAnnounced, kmsapi.StatusEnable},
		{"abandon", deletionPolicyAbandon, false, false, nil,
			func(string) []string { return nil }, "", kmsapi.StatusEnable},
		{"request refused while not pending", deletionPolicyDelete, false, false,
			func(m *kmsmock.Server, _ string) {
				m.InjectFault(kmsmock.Fault{Method: "POST", PathSuffix: "/request-deletion", Status: 422})
			},
			func(tag string) []string {
				return []string{cliCall("POST", tag, "request-deletion"), cliCall("GET", tag)}
			},
			summaryKeyDeletionRequestFailed, kmsapi.StatusEnable},
		{"schedule finds it revoked since refresh", deletionPolicySchedule, false, false,
			func(m *kmsmock.Server, tag string) { _ = m.RequestDeletion(tag) },
			func(tag string) []string {
				return []string{cliCall("POST", tag, "request-deletion"), cliCall("GET", tag)}
			},
			"", kmsapi.StatusRevoke},
		{"gone since refresh", deletionPolicyDelete, false, false,
			func(m *kmsmock.Server, tag string) { _ = m.RequestDeletion(tag); _ = m.DeleteKey(tag) },
			func(tag string) []string { return []string{cliCall("POST", tag, "request-deletion")} },
			"", ""},
		{"final delete refused", deletionPolicyDelete, false, false,
			func(m *kmsmock.Server, tag string) {
				m.InjectFault(kmsmock.Fault{Method: "DELETE", PathSuffix: "/keys/" + tag, Status: 422})
			},
			func(tag string) []string {
				return []string{cliCall("POST", tag, "request-deletion"), cliCall("DELETE", tag)}
			},
			summaryKeyFinalDeleteRefused, kmsapi.StatusRevoke},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := testAccMock(t)
			key := testAccMockKey(t, m, kmsmock.KeySpec{Name: "del-direct"})
			if tc.arrange != nil {
				tc.arrange(m, key.KeyTag)
			}
			// The plan announced the removal of the key while it was not protected (a protection
			// recorded later is what the backstop is for).
			plannedFrom := stateOfMockKey(key, tc.policy, false)
			diags := deleteDirectly(t, m, plannedFrom, stateOfMockKey(key, tc.policy, tc.protected), !tc.unannounced)

			var summaries []string
			for _, d := range diags {
				summaries = append(summaries, d.Summary)
			}
			switch {
			case tc.summary == "" && len(diags) > 0:
				t.Fatalf("Delete failed: %q", summaries)
			case tc.summary != "" && !slices.Equal(summaries, []string{tc.summary}):
				t.Fatalf("Delete diagnostics %q, want one error %q", summaries, tc.summary)
			}
			requireCLIJournal(t, m, tc.calls(key.KeyTag)...)
			if tc.status == "" {
				cliRequireMockGone(t, m, key.KeyTag)
			} else {
				cliRequireMockStatus(t, m, key.KeyTag, tc.status)
			}
		})
	}
}
