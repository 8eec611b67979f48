package provider

import (
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// lifecycle { destroy = false } (DESIGN.md "Forget instead of destroy"): Terraform forgets the key
// instead of destroying it and does not tell the provider. A destroy does not call the provider at
// all, so nothing may claim a deletion; a replacement calls it as for a real one, so every removal
// warning says what destroy = false does instead, and an apply whose forgotten key still holds the
// new key's name fails before any call that changes anything, naming the key and how to import it.

// forgetWorkdir is a mock and a working directory on a CLI that has lifecycle { destroy = false }.
func forgetWorkdir(t *testing.T) (*kmsmock.Server, *tfcli.Workdir) {
	t.Helper()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SkipWithout(featureLifecycleDestroyFalse)
	return m, wd
}

// forgetConfig is one key named name with deletion_policy and lifecycle { destroy = false }.
func forgetConfig(m *kmsmock.Server, name, policy string) string {
	return testAccKeyConfig(m, name, "  deletion_policy = \""+policy+"\"\n  lifecycle {\n    destroy = false\n  }")
}

// TestAccKeyResource_destroyFalseDestroy: terraform destroy of a key with destroy = false forgets
// it: the plan's action is forget, no diagnostic claims a deletion, and no call changes anything;
// with -refresh=false no call is made at all.
func TestAccKeyResource_destroyFalseDestroy(t *testing.T) {
	for _, refresh := range []bool{true, false} {
		t.Run(map[bool]string{true: "refresh", false: "refresh=false"}[refresh], func(t *testing.T) {
			t.Parallel()
			m, wd := forgetWorkdir(t)
			tag := cliApplyKey(t, wd, m, forgetConfig(m, "forget-d", deletionPolicyDelete))
			before, _ := m.Key(tag)

			m.ResetJournal()
			plan := wd.Plan(tfexec.Destroy(true), tfexec.Refresh(refresh))
			plan.RequireSuccess(t)
			plan.CheckPlan(t, tfcli.ExpectActions(testAccKeyAddress, tfjson.Actions{tfjson.ActionForget}))
			tfcli.RequireDiagnostics(t, plan, forgetPlanDiagnostics(wd)...)
			wantReads := []string{cliCall("GET", tag)}
			if !refresh {
				wantReads = nil
			}
			requireCLIJournal(t, m, wantReads...)

			m.ResetJournal()
			destroy := wd.Destroy(tfexec.Refresh(refresh))
			if wd.CLI().IsOpenTofu() {
				// OpenTofu fails a destroy that forgot objects unless -suppress-forget-errors is given.
				destroy.RequireFailure(t)
				tfcli.RequireDiagnostics(t, destroy, tfcli.Error("Destroy was successful but left behind forgotten instances", cliNoAddress))
			} else {
				destroy.RequireSuccess(t)
				tfcli.RequireDiagnostics(t, destroy, forgetPlanDiagnostics(wd)...)
			}
			requireCLIJournal(t, m, wantReads...)
			requireNothingChanged(t, m, before)
			wd.CheckState(t, tfcli.ExpectNoResources())
		})
	}
}

// forgetPlanDiagnostics is what the CLI itself says of a plan that forgets an object: Terraform warns,
// OpenTofu says nothing. The provider adds nothing: Terraform does not call it.
func forgetPlanDiagnostics(wd *tfcli.Workdir) []tfcli.Diag {
	if wd.CLI().IsOpenTofu() {
		return nil
	}
	return []tfcli.Diag{tfcli.Warning("Some objects will no longer be managed by Terraform", cliNoAddress)}
}

// TestAccKeyResource_forcedReplacementForgotten: every path to a replacement, under lifecycle
// { destroy = false }. The plan says what it says without it (the provider cannot know), and its
// warnings add what destroy = false does instead; the apply forgets the old key, never deletes or
// schedules it, and a create whose name the forgotten key keeps fails before any change.
func TestAccKeyResource_forcedReplacementForgotten(t *testing.T) {
	var cases []replacementCase
	for _, path := range []replacementPath{replacedByConfiguration, replacedByRequest, replacedByTrigger, replacedByTaint, replacedAfterFailure} {
		for _, policy := range []string{deletionPolicyDelete, deletionPolicySchedule} {
			for _, rename := range []bool{false, true} {
				for _, refresh := range []bool{true, false} {
					cases = append(cases, replacementCase{path: path, policy: policy, rename: rename, refresh: refresh, forget: true})
				}
			}
		}
	}
	runReplacementCases(t, cases, testAccForcedReplacementForgotten)
}

func testAccForcedReplacementForgotten(t *testing.T, c replacementCase) {
	m, wd := forgetWorkdir(t)
	oldTag, oldKey := setUpReplacement(t, wd, m, c)

	wd.SetConfig(c.config(m, true))
	m.ResetJournal()
	want := c.expected()
	// A tainted key is recognised by its name; renamed, no plan announces it, and none needs to:
	// destroy = false forgets it (the backstop in Delete never runs).
	unannounced := want.applyErr == summaryKeyRemovalNotAnnounced
	if unannounced {
		want = outcome{}
	}
	if !want.planFails() {
		want.planDiags = append(want.planDiags, forgetPlanDiagnostics(wd)...)
	}
	plan := wd.Plan(c.planOptions()...)
	tfcli.RequireDiagnostics(t, plan, want.planDiags...)
	for _, d := range plan.Diagnostics {
		if d.Summary == summaryKeyWillBeDeleted || d.Summary == summaryKeyWillBeScheduled || d.Summary == summaryKeyReplacementOnRequestRefused {
			tfcli.RequireDetail(t, plan, string(d.Severity), d.Summary, "lifecycle { destroy = false }", "only forgets key", oldTag)
			if sameName := strings.Contains(d.Detail, "same name"); sameName == c.rename {
				t.Errorf("%s: the note on the shared name must appear exactly when the name stays (rename = %t):\n%s", d.Summary, c.rename, d.Detail)
			}
		}
	}
	if want.planFails() {
		plan.RequireFailure(t)
		requireNothingChanged(t, m, oldKey)
		return
	}
	plan.RequireSuccess(t)
	plan.CheckPlan(t, tfcli.ExpectActions(testAccKeyAddress, tfjson.Actions{tfjson.ActionForget, tfjson.ActionCreate}))

	apply := wd.Apply(tfexec.DirOrPlan(plan.PlanFile(t)))
	if !c.rename {
		// The forgotten key holds the name: the create fails before any call that changes anything,
		// naming the key and the import that brings it back, and the state no longer holds it.
		apply.RequireFailure(t)
		if apply.Find("error", summaryReplacedKeyHoldsName) == nil || len(apply.WithSeverity("error")) != 1 {
			t.Fatalf("apply: want the one error %q:\n%s", summaryReplacedKeyHoldsName, apply.Describe())
		}
		tfcli.RequireDetail(t, apply, "error", summaryReplacedKeyHoldsName, `"fr-key"`, oldTag,
			"destroy = false", "terraform import <address> "+oldTag)
		if got := apply.Find("error", summaryReplacedKeyHoldsName).Address; got != testAccKeyAddress {
			t.Errorf("the error is on %q, want %q", got, testAccKeyAddress)
		}
		requireNoMutatingCalls(t, m)
		requireNothingChanged(t, m, oldKey)
		wd.CheckState(t, tfcli.ExpectNoResources()) // Terraform forgot the key
		// The command the error gives brings the key back.
		if res := wd.Import(testAccKeyAddress, oldTag); res.Failed() {
			t.Fatalf("terraform import failed:\n%s\n%s", res.Stdout, res.Stderr)
		}
		if got := cliStateKeyTag(t, wd, testAccKeyAddress); got != oldTag {
			t.Fatalf("imported key %s, want %s", got, oldTag)
		}
		return
	}
	apply.RequireSuccess(t)
	newTag := cliStateKeyTag(t, wd, testAccKeyAddress)
	calls := []string{cliCall("POST", "")}
	if c.path == replacedAfterFailure {
		calls = append(calls, cliCall("POST", newTag, "disable"))
	}
	if got := mutatingCalls(m); !slices.Equal(got, calls) {
		t.Fatalf("mutating calls of the plan and apply:\n  got  %q\n  want %q (the old key is forgotten, not deleted)", got, calls)
	}
	cliRequireMockStatus(t, m, oldTag, oldKey.Status)
}

// TestAccKeyResource_destroyFalseReplacementInOneApply: the same refusal when one terraform apply
// plans and applies (two graph walks of one provider here, two provider processes in Terraform).
func TestAccKeyResource_destroyFalseReplacementInOneApply(t *testing.T) {
	t.Parallel()
	m, wd := forgetWorkdir(t)
	c := replacementCase{path: replacedByConfiguration, policy: deletionPolicyDelete, refresh: true, forget: true}
	oldTag, oldKey := setUpReplacement(t, wd, m, c)
	wd.SetConfig(c.config(m, true))
	m.ResetJournal()
	apply := wd.Apply()
	apply.RequireFailure(t)
	if len(apply.WithSeverity("error")) != 1 || apply.Find("error", summaryReplacedKeyHoldsName) == nil {
		t.Fatalf("apply: want the one error %q:\n%s", summaryReplacedKeyHoldsName, apply.Describe())
	}
	tfcli.RequireDetail(t, apply, "error", summaryReplacedKeyHoldsName, oldTag, "terraform import <address> "+oldTag)
	requireNothingChanged(t, m, oldKey)
}

// TestAccKeyResource_destroyFalseRemoval: a resource block removed while its state says destroy =
// false. OpenTofu keeps the setting in the state and forgets the key, with no provider call and no
// deletion warning; Terraform keeps no such record and destroys it, and the plan says so.
func TestAccKeyResource_destroyFalseRemoval(t *testing.T) {
	t.Parallel()
	m, wd := forgetWorkdir(t)
	tag := cliApplyKey(t, wd, m, forgetConfig(m, "forget-r", deletionPolicyDelete))
	before, _ := m.Key(tag)
	wd.SetConfig(testAccProviderConfig(m))

	m.ResetJournal()
	plan := wd.Plan(tfexec.Refresh(false))
	plan.RequireSuccess(t)
	if wd.CLI().IsOpenTofu() {
		plan.CheckPlan(t, tfcli.ExpectActions(testAccKeyAddress, tfjson.Actions{tfjson.ActionForget}))
		tfcli.RequireDiagnostics(t, plan, tfcli.Warning("Resource will be removed from the state", cliNoAddress))
		requireCLIJournal(t, m)
		wd.Apply().RequireSuccess(t)
		requireNothingChanged(t, m, before)
		return
	}
	plan.CheckPlan(t, plancheck.ExpectResourceAction(testAccKeyAddress, plancheck.ResourceActionDestroy))
	// A removed resource has no configuration, so Terraform prints the warning without an address.
	tfcli.RequireDiagnostics(t, plan, tfcli.Warning(summaryKeyWillBeDeleted, cliNoAddress))
	tfcli.RequireDetail(t, plan, "warning", summaryKeyWillBeDeleted, tag, "the resource is being destroyed")
	wd.Apply().RequireSuccess(t)
	cliRequireMockGone(t, m, tag)
}

// TestAccKeyTokenGenerator_destroyFalseNewKeyTag: a generator with destroy = false moved to another
// key. The plan's revocation warning says that under destroy = false Terraform only forgets the
// generator; the apply makes no call for it, and the tokens it issued keep working.
func TestAccKeyTokenGenerator_destroyFalseNewKeyTag(t *testing.T) {
	t.Parallel()
	m, wd := forgetWorkdir(t)
	config := func(key string) string {
		return testAccProviderConfig(m) + testAccKeyBlock("test", "gen-key", "") + testAccKeyBlock("other", "gen-other", "") +
			generatorBlock("this", key, "  lifecycle {\n    destroy = false\n  }")
	}
	wd.SetConfig(config("ncloudkms_key.test.key_tag"))
	wd.Apply().RequireSuccess(t)
	tag, otherTag := cliStateKeyTag(t, wd, testAccKeyAddress), cliStateKeyTag(t, wd, "ncloudkms_key.other")
	set := issueTokenSet(t, m, tag)

	wd.SetConfig(config("ncloudkms_key.other.key_tag"))
	m.ResetJournal()
	plan := wd.Plan()
	plan.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, plan, append([]tfcli.Diag{tfcli.Warning(summaryKeyTokensWillBeRevoked, cliGeneratorAddress)},
		forgetPlanDiagnostics(wd)...)...)
	tfcli.RequireDetail(t, plan, "warning", summaryKeyTokensWillBeRevoked, tag, "lifecycle { destroy = false }",
		"only forgets the generator", "tokens keep working")
	wd.Apply(tfexec.DirOrPlan(plan.PlanFile(t))).RequireSuccess(t)
	if got, want := mutatingCalls(m), []string{cliCall("POST", otherTag, "token-generator")}; !slices.Equal(got, want) {
		t.Fatalf("mutating calls of the apply:\n  got  %q\n  want %q (the old generator is forgotten)", got, want)
	}
	requireTokenAuthorises(t, m, tag, set.AccessToken)
}
