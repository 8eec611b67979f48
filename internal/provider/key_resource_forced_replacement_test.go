package provider

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// Every path that replaces a key, with and without -refresh=false, with and without a rename in
// the same plan, under each deletion_policy and under deletion_protection (DESIGN.md "Every path
// to a replacement"). Each case runs the real CLI against its own mock: create, make Terraform
// replace the key, `plan -out`, then apply that saved plan as a pipeline does, asserting the
// plan's action and diagnostics (severity, summary, address) and the mutating calls of the apply.

type replacementPath string

const (
	replacedByConfiguration replacementPath = "configuration" // type AES256 → RSA2048
	replacedByRequest       replacementPath = "-replace"
	replacedByTrigger       replacementPath = "replace_triggered_by"
	replacedByTaint         replacementPath = "taint"
	replacedAfterFailure    replacementPath = "tainted create" // the create's disable call failed
)

const protectedPolicy = "deletion_protection"

type replacementCase struct {
	path    replacementPath
	policy  string // a deletion_policy, or protectedPolicy (DELETE with deletion_protection = true)
	rename  bool
	refresh bool
	forget  bool // lifecycle { destroy = false } (key_resource_forget_test.go)
}

func (c replacementCase) name() string {
	name := fmt.Sprintf("%s/%s", c.path, c.policy)
	if c.rename {
		name += "/rename"
	}
	if !c.refresh {
		name += "/refresh=false"
	}
	if c.forget {
		name += "/destroy=false"
	}
	return name
}

// config is the configuration before (second = false) and after the change that leads to the replacement.
func (c replacementCase) config(m *kmsmock.Server, second bool) string {
	name, keyType, trigger := "fr-key", "AES256", "v1"
	if second && c.rename {
		name = "fr-key2"
	}
	if second && c.path == replacedByConfiguration {
		keyType = "RSA2048"
	}
	if second && c.path == replacedByTrigger {
		trigger = "v2"
	}
	var lines []string
	switch c.policy {
	case protectedPolicy:
		lines = append(lines, "  deletion_protection = true")
	default:
		lines = append(lines, fmt.Sprintf("  deletion_policy = %q", c.policy))
	}
	if c.path == replacedAfterFailure {
		lines = append(lines, "  enabled = false")
	}
	config := testAccProviderConfig(m)
	var lifecycle []string
	if c.path == replacedByTrigger {
		lifecycle = append(lifecycle, "    replace_triggered_by = [terraform_data.trigger]")
		config += fmt.Sprintf("\nresource \"terraform_data\" \"trigger\" {\n  input = %q\n}\n", trigger)
	}
	if c.forget {
		lifecycle = append(lifecycle, "    destroy = false")
	}
	if len(lifecycle) > 0 {
		lines = append(lines, "  lifecycle {\n"+strings.Join(lifecycle, "\n")+"\n  }")
	}
	return config + fmt.Sprintf(`
resource "ncloudkms_key" "test" {
  name = %q
  type = %q
%s
}
`, name, keyType, strings.Join(lines, "\n"))
}

// outcome is what a case must do.
type outcome struct {
	planDiags []tfcli.Diag // the plan's diagnostics; an error among them fails the plan
	applyErr  string       // when the plan succeeds: the summary of the apply's error, "" for success
}

// expected derives a case's outcome from the rules of the resource docs.
func (c replacementCase) expected() outcome {
	warning, clash := policyWarning(c.policy), replacementNameClash(c.policy)
	// A tainted key is recognised by its name, so a rename in the same plan hides it.
	recognised := !c.rename || (c.path != replacedByTaint && c.path != replacedAfterFailure)
	switch {
	case !recognised && c.policy == protectedPolicy:
		return outcome{applyErr: summaryKeyDeletionProtected}
	case !recognised:
		return outcome{applyErr: summaryKeyRemovalNotAnnounced}
	case c.policy == protectedPolicy:
		return outcome{planDiags: []tfcli.Diag{tfcli.Error(summaryKeyDeletionProtected, testAccKeyAddress)}}
	}
	var diags []tfcli.Diag
	if c.path == replacedByRequest || c.path == replacedByTrigger {
		diags = append(diags, tfcli.Error(summaryKeyReplacementOnRequestRefused, testAccKeyAddress))
	} else {
		diags = append(diags, tfcli.Warning(warning, testAccKeyAddress))
	}
	if !c.rename && clash != "" {
		diags = append(diags, tfcli.Error(clash, testAccKeyAddress))
	}
	return outcome{planDiags: diags}
}

func policyWarning(policy string) string {
	switch policy {
	case deletionPolicySchedule:
		return summaryKeyWillBeScheduled
	case deletionPolicyAbandon:
		return summaryKeyWillBeAbandoned
	}
	return summaryKeyWillBeDeleted
}

// replacementNameClash is the refusal of a replacement that keeps the name under policy, or "".
func replacementNameClash(policy string) string {
	switch policy {
	case deletionPolicySchedule:
		return summaryKeyNameHeldByPending
	case deletionPolicyAbandon:
		return summaryKeyNameInUse
	}
	return ""
}

func (o outcome) planFails() bool {
	return slices.ContainsFunc(o.planDiags, func(d tfcli.Diag) bool { return d.Severity == "error" })
}

func TestAccKeyResource_forcedReplacement(t *testing.T) {
	var cases []replacementCase
	for _, path := range []replacementPath{replacedByConfiguration, replacedByRequest, replacedByTrigger, replacedByTaint, replacedAfterFailure} {
		for _, policy := range []string{deletionPolicyDelete, deletionPolicySchedule, deletionPolicyAbandon, protectedPolicy} {
			for _, rename := range []bool{false, true} {
				for _, refresh := range []bool{true, false} {
					cases = append(cases, replacementCase{path: path, policy: policy, rename: rename, refresh: refresh})
				}
			}
		}
	}
	runReplacementCases(t, cases, testAccForcedReplacement)
}

// runReplacementCases runs each case as a parallel subtest named after it.
func runReplacementCases(t *testing.T, cases []replacementCase, run func(*testing.T, replacementCase)) {
	for _, c := range cases {
		t.Run(c.name(), func(t *testing.T) {
			t.Parallel()
			run(t, c)
		})
	}
}

// setUpReplacement creates the case's key (a create that stops part-way for a tainted create) and
// taints it for the taint path; it returns the key's tag and the mock's record of it.
func setUpReplacement(t *testing.T, wd *tfcli.Workdir, m *kmsmock.Server, c replacementCase) (string, kmsmock.Key) {
	t.Helper()
	wd.SetConfig(c.config(m, false))
	if c.path == replacedAfterFailure {
		m.InjectFault(kmsmock.Fault{Method: http.MethodPost, PathSuffix: "/disable", Status: http.StatusForbidden})
		created := wd.Apply()
		created.RequireFailure(t)
		tfcli.RequireDetail(t, created, "error", "Key disable failed", "marked tainted", "deletion_policy")
	} else {
		wd.Apply().RequireSuccess(t)
	}
	tag := cliStateKeyTag(t, wd, testAccKeyAddress)
	key, _ := m.Key(tag)
	if c.path == replacedByTaint {
		if res := wd.Taint(testAccKeyAddress); res.Failed() {
			t.Fatalf("terraform taint failed:\n%s\n%s", res.Stdout, res.Stderr)
		}
	}
	return tag, key
}

// planOptions are the case's refresh and, on the -replace path, -replace.
func (c replacementCase) planOptions() []tfexec.PlanOption {
	options := []tfexec.PlanOption{tfexec.Refresh(c.refresh)}
	if c.path == replacedByRequest {
		options = append(options, tfexec.Replace(testAccKeyAddress))
	}
	return options
}

func testAccForcedReplacement(t *testing.T, c replacementCase) {
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	oldTag, oldKey := setUpReplacement(t, wd, m, c)

	wd.SetConfig(c.config(m, true))
	m.ResetJournal()
	want := c.expected()
	plan := wd.Plan(c.planOptions()...)
	tfcli.RequireDiagnostics(t, plan, want.planDiags...)
	if want.planFails() {
		plan.RequireFailure(t)
		requireNothingChanged(t, m, oldKey)
		return
	}
	plan.RequireSuccess(t)
	plan.CheckPlan(t, plancheck.ExpectResourceAction(testAccKeyAddress, plancheck.ResourceActionReplace))
	for _, d := range plan.Diagnostics {
		if !strings.Contains(d.Detail, oldTag) || !strings.Contains(d.Detail, `"fr-key"`) {
			t.Errorf("%s does not name the key (name and tag %s):\n%s", d, oldTag, d.Detail)
		}
	}

	apply := wd.Apply(tfexec.DirOrPlan(plan.PlanFile(t)))
	if want.applyErr != "" {
		// No plan announced the removal: the gate of the guide blocks the plan, and the apply
		// removes nothing (Delete refuses before any call, and the create does not start).
		apply.RequireFailure(t)
		tfcli.RequireDiagnostics(t, apply, tfcli.Error(want.applyErr, cliNoAddress))
		requireGateBlocks(t, plan)
		requireNothingChanged(t, m, oldKey)
		return
	}
	apply.RequireSuccess(t)
	newTag := cliStateKeyTag(t, wd, testAccKeyAddress)
	calls := []string{cliCall("POST", oldTag, "request-deletion"), cliCall("DELETE", oldTag), cliCall("POST", "")}
	switch c.policy {
	case deletionPolicySchedule:
		calls = []string{cliCall("POST", oldTag, "request-deletion"), cliCall("POST", "")}
		cliRequireMockStatus(t, m, oldTag, kmsapi.StatusRevoke)
	case deletionPolicyAbandon:
		calls = []string{cliCall("POST", "")}
		cliRequireMockStatus(t, m, oldTag, oldKey.Status)
	default:
		cliRequireMockGone(t, m, oldTag)
	}
	if c.path == replacedAfterFailure {
		calls = append(calls, cliCall("POST", newTag, "disable"))
	}
	if got := mutatingCalls(m); !slices.Equal(got, calls) {
		t.Fatalf("mutating calls of the plan and apply:\n  got  %q\n  want %q", got, calls)
	}
}

// requireGateBlocks runs the gating guide's command on the output of a plan that replaces the key
// without a diagnostic, and requires it to block, naming the resource.
func requireGateBlocks(t *testing.T, plan tfcli.Result) {
	t.Helper()
	run := runGate(t, gateScript(t), plan.Stdout, false)
	if want := "BLOCKED: " + testAccKeyAddress + " is replaced"; run.ExitCode != 1 || !strings.Contains(run.Output, want) {
		t.Fatalf("the guide's gate must block with %q a plan that replaces a key without announcing it (exit %d):\n%s",
			want, run.ExitCode, run.Output)
	}
}

// A new resource that takes the name of a key another resource manages is no replacement: the
// plan fails with the name clash, whichever of the two Terraform plans first, and changes nothing.
func TestAccKeyResource_forcedReplacementNotClaimedByAnotherResource(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	tag := cliApplyKey(t, wd, m, testAccKeyConfig(m, "fr-shared", ""))
	existing, _ := m.Key(tag)
	wd.SetConfig(testAccKeyConfig(m, "fr-shared", "") + testAccKeyBlock("other", "fr-shared", ""))
	for _, refresh := range []bool{true, false} {
		plan := wd.Plan(tfexec.Refresh(refresh))
		plan.RequireFailure(t)
		clash := plan.Find("error", summaryKeyNameInUse)
		if clash == nil || (clash.Address != testAccKeyAddress && clash.Address != "ncloudkms_key.other") {
			t.Fatalf("plan -refresh=%t: want the error %q on one of the two resources:\n%s", refresh, summaryKeyNameInUse, plan.Describe())
		}
		if !strings.Contains(clash.Detail, tag) {
			t.Errorf("plan -refresh=%t: the error does not name key %s:\n%s", refresh, tag, clash.Detail)
		}
		requireNothingChanged(t, m, existing)
	}
}
