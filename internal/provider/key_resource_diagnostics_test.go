package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// Plan-time diagnostics other than destroy (key_resource_deletion_test.go): the name check on
// create and rename, a configured key found pending deletion, and silence when nothing is risky.

func TestAccKeyResource_nameInUse(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	existing := testAccMockKey(t, m, kmsmock.KeySpec{Name: "diag-taken"})
	wd := newTFWorkdir(t)
	// Names are unique ignoring case.
	wd.SetConfig(testAccKeyConfig(m, "DIAG-TAKEN", ""))

	plan := wd.Plan()
	plan.RequireFailure(t)
	tfcli.RequireDiagnostics(t, plan, tfcli.Error(summaryKeyNameInUse, testAccKeyAddress))
	tfcli.RequireDetail(t, plan, "error", summaryKeyNameInUse, `"diag-taken"`, existing.KeyTag,
		"terraform import <address> "+existing.KeyTag, "terraform import <address> name/diag-taken")
	// One listing, then one read of the key found, in case the listing is stale.
	requireCLIJournal(t, m, cliCall("GET", ""), cliCall("GET", existing.KeyTag))

	m.ResetJournal()
	apply := wd.Apply()
	apply.RequireFailure(t)
	tfcli.RequireDiagnostics(t, apply, tfcli.Error(summaryKeyNameInUse, testAccKeyAddress))
	requireNoMutatingCalls(t, m)
	if len(m.Keys()) != 1 {
		t.Fatalf("mock holds %d keys, want only the existing one", len(m.Keys()))
	}
}

func TestAccKeyResource_nameHeldByPendingKey(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	pending := testAccPendingMockKey(t, m, "diag-held")
	wd := newTFWorkdir(t)
	wd.SetConfig(testAccKeyConfig(m, "diag-held", ""))

	plan := wd.Plan()
	plan.RequireFailure(t)
	tfcli.RequireDiagnostics(t, plan, tfcli.Error(summaryKeyNameHeldByPending, testAccKeyAddress))
	tfcli.RequireDetail(t, plan, "error", summaryKeyNameHeldByPending, `"diag-held"`, pending.KeyTag,
		formatMillis(pending.DestroyDate), "restore_if_pending = true", "pick another name")
	requireNoMutatingCalls(t, m)
}

func TestAccKeyResource_pendingKeyAdopted(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	pending := testAccPendingMockKey(t, m, "diag-adopt")
	wd := newTFWorkdir(t)
	wd.SetConfig(testAccKeyConfig(m, "diag-adopt", "  restore_if_pending = true"))

	plan := wd.Plan()
	plan.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, plan, tfcli.Warning(summaryPendingKeyWillBeAdopted, testAccKeyAddress))
	tfcli.RequireDetail(t, plan, "warning", summaryPendingKeyWillBeAdopted, `"diag-adopt"`, pending.KeyTag,
		formatMillis(pending.DestroyDate), "cancels that key's deletion")
	requireNoMutatingCalls(t, m)

	apply := wd.Apply()
	apply.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, apply, tfcli.Warning(summaryPendingKeyWillBeAdopted, testAccKeyAddress))
	if tag := cliStateKeyTag(t, wd, testAccKeyAddress); tag != pending.KeyTag {
		t.Fatalf("state holds key %s, want the adopted %s", tag, pending.KeyTag)
	}
	cliRequireMockStatus(t, m, pending.KeyTag, kmsapi.StatusEnable)
}

// A configured key whose deletion was requested outside Terraform: the plan warns, with the
// date, that the apply cancels the deletion.
func TestAccKeyResource_pendingKeyRestored(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	tag := cliApplyKey(t, wd, m, testAccKeyConfig(m, "diag-restore", ""))
	if err := m.RequestDeletion(tag); err != nil {
		t.Fatal(err)
	}
	key, _ := m.Key(tag)

	plan := wd.Plan()
	plan.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, plan, tfcli.Warning(summaryPendingKeyWillBeRestored, testAccKeyAddress))
	tfcli.RequireDetail(t, plan, "warning", summaryPendingKeyWillBeRestored, `"diag-restore"`, tag,
		formatMillis(key.DestroyDate), "cancels the deletion", "enabled again")
	requireCLIJournal(t, m, cliCall("GET", tag))

	apply := wd.Apply()
	apply.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, apply, tfcli.Warning(summaryPendingKeyWillBeRestored, testAccKeyAddress))
	cliRequireMockStatus(t, m, tag, kmsapi.StatusEnable)

	again := wd.Plan()
	again.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, again)
}

// No diagnostic at all when nothing risky is planned: a create under a free name, a no-op, an
// in-place update, a rename to a free name.
func TestAccKeyResource_silentWhenNothingIsRisky(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	testAccMockKey(t, m, kmsmock.KeySpec{Name: "diag-other"})
	wd := newTFWorkdir(t)
	steps := []struct {
		what   string
		config string
	}{
		{"create", testAccKeyConfig(m, "diag-quiet", "")},
		{"no-op", testAccKeyConfig(m, "diag-quiet", "")},
		{"in-place update", testAccKeyConfig(m, "diag-quiet", `  memo = "changed"
  enabled = false
  rotation_period_days = 30`)},
		{"rename", testAccKeyConfig(m, "diag-renamed", `  memo = "changed"
  enabled = false
  rotation_period_days = 30`)},
	}
	for _, step := range steps {
		wd.SetConfig(step.config)
		plan := wd.Plan()
		plan.RequireSuccess(t)
		if len(plan.Diagnostics) > 0 {
			t.Fatalf("%s: plan diagnostics:\n%s", step.what, plan.Describe())
		}
		apply := wd.Apply()
		apply.RequireSuccess(t)
		if len(apply.Diagnostics) > 0 {
			t.Fatalf("%s: apply diagnostics:\n%s", step.what, apply.Describe())
		}
	}
	wd.CheckState(t, statecheck.ExpectKnownValue(testAccKeyAddress, tfjsonpath.New("name"), knownvalue.StringExact("diag-renamed")))
}

// Renaming to a name another key holds fails at plan time, before any call.
func TestAccKeyResource_renameToTakenName(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	tag := cliApplyKey(t, wd, m, testAccKeyConfig(m, "diag-mine", ""))
	taken := testAccMockKey(t, m, kmsmock.KeySpec{Name: "diag-theirs"})
	held := testAccPendingMockKey(t, m, "diag-pending")

	for _, tc := range []struct {
		name, summary, holder string
	}{
		{"Diag-Theirs", summaryKeyNameInUse, taken.KeyTag},
		{"diag-pending", summaryKeyNameHeldByPending, held.KeyTag},
	} {
		m.ResetJournal()
		wd.SetConfig(testAccKeyConfig(m, tc.name, ""))
		apply := wd.Apply()
		apply.RequireFailure(t)
		tfcli.RequireDiagnostics(t, apply, tfcli.Error(tc.summary, testAccKeyAddress))
		tfcli.RequireDetail(t, apply, "error", tc.summary, tag, tc.holder, fmt.Sprintf("%q", tc.name))
		requireNoMutatingCalls(t, m)
	}
	if key, _ := m.Key(tag); key.KeyName != "diag-mine" {
		t.Fatalf("key renamed to %q", key.KeyName)
	}
}

// The name check lists the keys once per provider process, however many keys are planned.
func TestAccKeyResource_namesListedOncePerProcess(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	config := testAccProviderConfig(m)
	for i := 1; i <= 5; i++ {
		config += testAccKeyBlock(fmt.Sprintf("k%d", i), fmt.Sprintf("diag-many-%d", i), "")
	}
	wd.SetConfig(config)

	plan := wd.Plan()
	plan.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, plan)
	requireCLIJournal(t, m, cliCall("GET", ""))

	m.ResetJournal()
	wd.Apply().RequireSuccess(t)
	lists := 0
	for _, c := range journalCalls(m) {
		if c == cliCall("GET", "") {
			lists++
		}
	}
	if lists != 1 {
		t.Fatalf("apply listed the keys %d times, want once: %q", lists, journalCalls(m))
	}
}

// A name that is unknown at plan time cannot be checked: no call is made for it.
func TestAccKeyResource_unknownNameIsNotChecked(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SkipWithout(featureTerraformData)
	wd.SetConfig(testAccProviderConfig(m) + `
resource "terraform_data" "name" {
  input = "diag-later"
}

resource "ncloudkms_key" "test" {
  name = terraform_data.name.output
  type = "AES256"
}
`)
	plan := wd.Plan()
	plan.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, plan)
	requireCLIJournal(t, m)
}

// A replacement that keeps the name while the current key survives (SCHEDULE keeps it pending,
// ABANDON keeps it) would fail on the name after giving up the current key: the plan refuses it.
func TestAccKeyResource_replacementKeepingName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		policy, warning, clash string
	}{
		{deletionPolicySchedule, summaryKeyWillBeScheduled, summaryKeyNameHeldByPending},
		{deletionPolicyAbandon, summaryKeyWillBeAbandoned, summaryKeyNameInUse},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			t.Parallel()
			m := testAccMock(t)
			wd := newTFWorkdir(t)
			policy := fmt.Sprintf("  deletion_policy = %q", tc.policy)
			tag := cliApplyKey(t, wd, m, testAccKeyConfig(m, "diag-keepname", policy))

			wd.SetConfig(strings.Replace(testAccKeyConfig(m, "diag-keepname", policy), `"AES256"`, `"ECDSA"`, 1))
			plan := wd.Plan()
			plan.RequireFailure(t)
			tfcli.RequireDiagnostics(t, plan, tfcli.Warning(tc.warning, testAccKeyAddress), tfcli.Error(tc.clash, testAccKeyAddress))
			tfcli.RequireDetail(t, plan, "error", tc.clash, tag, "another name")

			// Under a new name the replacement is fine: only the warning remains.
			wd.SetConfig(strings.Replace(testAccKeyConfig(m, "diag-newname", policy), `"AES256"`, `"ECDSA"`, 1))
			plan = wd.Plan()
			plan.RequireSuccess(t)
			tfcli.RequireDiagnostics(t, plan, tfcli.Warning(tc.warning, testAccKeyAddress))
			requireNoMutatingCalls(t, m)
		})
	}
}

// restore_if_pending cannot adopt a pending key whose create-only attributes differ: the plan
// says so on the attribute, and nothing is called that changes anything.
func TestAccKeyResource_pendingKeyCannotBeAdopted(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		spec     kmsmock.KeySpec
		mismatch string
	}{
		{"type", kmsmock.KeySpec{Type: "RSA2048", ProtectionType: "BASIC"}, `its type is "RSA2048", not "AES256"`},
		{"protection type", kmsmock.KeySpec{Type: "AES256", ProtectionType: "COMMON_HSM"},
			`its protection type is "COMMON_HSM", not "BASIC"`},
		{"convergent", kmsmock.KeySpec{Type: "AES256", ProtectionType: "BASIC", Convergent: true},
			"its convergent setting is true, not false"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := testAccMock(t)
			tc.spec.Name = "diag-noadopt"
			pending, err := m.CreateKey(tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			mustMock(t, m.RequestDeletion(pending.KeyTag))
			wd := newTFWorkdir(t)
			wd.SetConfig(testAccKeyConfig(m, "diag-noadopt", "  restore_if_pending = true"))

			plan := wd.Plan()
			plan.RequireFailure(t)
			tfcli.RequireDiagnostics(t, plan, tfcli.Error(summaryPendingKeyCannotBeAdopted, testAccKeyAddress))
			tfcli.RequireDetail(t, plan, "error", summaryPendingKeyCannotBeAdopted, pending.KeyTag, tc.mismatch)
			if code := tfcli.Snippet(t, plan, summaryPendingKeyCannotBeAdopted); !strings.Contains(code, "restore_if_pending") {
				t.Fatalf("the error points at %q, want the restore_if_pending attribute", code)
			}
			requireCLIJournal(t, m, cliCall("GET", ""), cliCall("GET", pending.KeyTag))
			cliRequireMockStatus(t, m, pending.KeyTag, kmsapi.StatusRevoke)
		})
	}
}
