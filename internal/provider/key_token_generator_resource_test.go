package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// Tests of ncloudkms_key_token_generator. Every path that revokes its tokens is tested through the
// real CLI (DESIGN.md §12): the plan's diagnostics by severity, summary and address, the calls of
// the apply of the saved plan, and whether a token issued before still works.

const (
	cliGeneratorAddress     = "ncloudkms_key_token_generator.this"
	testAccGeneratorAddress = "ncloudkms_key_token_generator.test"
)

// generatorBlock is a token generator named label for the key tag expression tag, with extra lines.
func generatorBlock(label, tag, extra string) string {
	return fmt.Sprintf(`
resource "ncloudkms_key_token_generator" %q {
  key_tag = %s
%s
}
`, label, tag, extra)
}

func TestAccKeyTokenGenerator_basic(t *testing.T) {
	m := testAccMock(t)
	config := testAccKeyConfig(m, "gen-basic", "") + generatorBlock("test", testAccKeyAddress+".key_tag", "")
	var tag string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.CompareValuePairs(testAccGeneratorAddress, tfjsonpath.New("id"), testAccKeyAddress, tfjsonpath.New("key_tag"), compare.ValuesSame()),
					statecheck.CompareValuePairs(testAccGeneratorAddress, tfjsonpath.New("key_tag"), testAccKeyAddress, tfjsonpath.New("key_tag"), compare.ValuesSame()),
					statecheck.ExpectKnownValue(testAccGeneratorAddress, tfjsonpath.New("generator_id"), knownvalue.StringRegexp(regexp.MustCompile(`.`))),
					statecheck.ExpectKnownValue(testAccGeneratorAddress, tfjsonpath.New("status"), knownvalue.StringExact("ACTIVE")),
					statecheck.ExpectKnownValue(testAccGeneratorAddress, tfjsonpath.New("enabled_at"), knownvalue.StringRegexp(rfc3339Regexp)),
					statecheck.ExpectKnownValue(testAccGeneratorAddress, tfjsonpath.New("issued_token_count"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(testAccGeneratorAddress, tfjsonpath.New("deletion_protection"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(testAccGeneratorAddress, tfjsonpath.New("regenerate_triggers"), knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(
					testAccCaptureKeyTag(&tag),
					// Once the key exists, the apply plans the generator again, with its key tag known: it
					// checks that the key has no generator yet.
					testAccCheckApplyCalls(m, "POST /keys", "GET /keys/{tag}", "GET /keys/{tag}/token-generator",
						"POST /keys/{tag}/token-generator", "GET /keys/{tag}/token-generator"),
				),
			},
			{
				// A token issued since shows in the count at the next refresh, as a change outside Terraform.
				PreConfig: func() { issueTokenSet(t, m, tag); m.ResetJournal() },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccGeneratorAddress, plancheck.ResourceActionNoop)}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccGeneratorAddress, tfjsonpath.New("issued_token_count"), knownvalue.Int64Exact(1)),
				},
				Check: func(*terraform.State) error { requireNoMutatingCalls(t, m); return nil },
			},
			{ResourceName: testAccGeneratorAddress, ImportState: true, ImportStateVerify: true},
			{
				ResourceName:      testAccGeneratorAddress,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return strings.ToUpper(tag), nil },
			},
			{
				ResourceName:  testAccGeneratorAddress,
				ImportState:   true,
				ImportStateId: strings.Repeat("0", 64),
				ExpectError:   errorText("Cannot import non-existent remote object"),
			},
		},
	})
}

// TestAccKeyTokenGenerator_identity: the generator's resource identity is its key tag (resource
// identity: Terraform 1.12+, OpenTofu 1.12+).
func TestAccKeyTokenGenerator_identity(t *testing.T) {
	m := testAccMock(t)
	config := testAccKeyConfig(m, "gen-identity", "") + generatorBlock("test", testAccKeyAddress+".key_tag", "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		TerraformVersionChecks:   cliFeatureChecks(featureResourceIdentity),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(testAccGeneratorAddress, map[string]knownvalue.Check{
						"key_tag": knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{64}$`)),
					}),
					statecheck.ExpectIdentityValueMatchesState(testAccGeneratorAddress, tfjsonpath.New("key_tag")),
				},
			},
			{ResourceName: testAccGeneratorAddress, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
		},
	})
}

// How a test makes Terraform revoke a generator's tokens.
type generatorPath string

const (
	generatorByTriggers     generatorPath = "regenerate_triggers"
	generatorByKeyTag       generatorPath = "key_tag"
	generatorByRequest      generatorPath = "-replace"
	generatorByTrigger      generatorPath = "replace_triggered_by"
	generatorByTaint        generatorPath = "taint"
	generatorByTaintAndMove generatorPath = "taint and key_tag" // not recognisable at plan time
	generatorByDestroy      generatorPath = "plan -destroy"
	generatorByRemoval      generatorPath = "block removed"
)

type generatorCase struct {
	path      generatorPath
	protected bool
	refresh   bool
}

func (c generatorCase) name() string {
	name := string(c.path)
	if c.protected {
		name += "/deletion_protection"
	}
	if !c.refresh {
		name += "/refresh=false"
	}
	return name
}

// config is the configuration before (second = false) and after the change.
func (c generatorCase) config(m *kmsmock.Server, second bool) string {
	config := testAccProviderConfig(m) + testAccKeyBlock("test", "gen-key", "") + testAccKeyBlock("other", "gen-other", "")
	key, version, trigger := "ncloudkms_key.test.key_tag", "1", "v1"
	if second {
		switch c.path {
		case generatorByKeyTag, generatorByTaintAndMove:
			key = "ncloudkms_key.other.key_tag"
		case generatorByTriggers:
			version = "2"
		case generatorByTrigger:
			trigger = "v2"
		case generatorByRemoval:
			return config
		}
	}
	lines := []string{fmt.Sprintf("  regenerate_triggers = { version = %q }", version)}
	if c.protected {
		lines = append(lines, "  deletion_protection = true")
	}
	if c.path == generatorByTrigger {
		config += fmt.Sprintf("\nresource \"terraform_data\" \"trigger\" {\n  input = %q\n}\n", trigger)
		lines = append(lines, "  lifecycle {\n    replace_triggered_by = [terraform_data.trigger]\n  }")
	}
	return config + generatorBlock("this", key, strings.Join(lines, "\n"))
}

// diagnostics are the plan's diagnostics; an error fails the plan.
func (c generatorCase) diagnostics() []tfcli.Diag {
	address := cliGeneratorAddress
	if c.path == generatorByRemoval {
		address = cliNoAddress
	}
	switch {
	case c.path == generatorByTaintAndMove:
		return nil // the apply refuses instead
	case c.protected:
		return []tfcli.Diag{tfcli.Error(summaryKeyTokenRevocationProtected, address)}
	case c.path == generatorByRequest || c.path == generatorByTrigger:
		return []tfcli.Diag{tfcli.Error(summaryKeyTokenGeneratorReplacementRefused, address)}
	}
	return []tfcli.Diag{tfcli.Warning(summaryKeyTokensWillBeRevoked, address)}
}

// calls are the mutating calls of the apply of the saved plan.
func (c generatorCase) calls(tag, otherTag string) []string {
	switch c.path {
	case generatorByTriggers:
		return []string{cliCall("PUT", tag, "token-generator")}
	case generatorByKeyTag:
		return []string{cliCall("DELETE", tag, "token-generator"), cliCall("POST", otherTag, "token-generator")}
	case generatorByTaint:
		return []string{cliCall("DELETE", tag, "token-generator"), cliCall("POST", tag, "token-generator")}
	}
	return []string{cliCall("DELETE", tag, "token-generator")}
}

func TestAccKeyTokenGenerator_revocationPaths(t *testing.T) {
	var cases []generatorCase
	for _, path := range []generatorPath{generatorByTriggers, generatorByKeyTag, generatorByRequest, generatorByTrigger,
		generatorByTaint, generatorByTaintAndMove, generatorByDestroy, generatorByRemoval} {
		for _, protected := range []bool{false, true} {
			cases = append(cases, generatorCase{path: path, protected: protected, refresh: true})
		}
	}
	for _, path := range []generatorPath{generatorByRequest, generatorByTaint} {
		for _, protected := range []bool{false, true} {
			cases = append(cases, generatorCase{path: path, protected: protected, refresh: false})
		}
	}
	for _, c := range cases {
		t.Run(c.name(), func(t *testing.T) {
			t.Parallel()
			testAccGeneratorRevocation(t, c)
		})
	}
}

func testAccGeneratorRevocation(t *testing.T, c generatorCase) {
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SetConfig(c.config(m, false))
	wd.Apply().RequireSuccess(t)
	tag, otherTag := cliStateKeyTag(t, wd, testAccKeyAddress), cliStateKeyTag(t, wd, "ncloudkms_key.other")
	set := issueTokenSet(t, m, tag)
	wd.Apply(tfexec.RefreshOnly(true)).RequireSuccess(t) // the state learns the issued token
	if c.path == generatorByTaint || c.path == generatorByTaintAndMove {
		if res := wd.Taint(cliGeneratorAddress); res.Failed() {
			t.Fatalf("terraform taint failed:\n%s\n%s", res.Stdout, res.Stderr)
		}
	}

	wd.SetConfig(c.config(m, true))
	options := []tfexec.PlanOption{tfexec.Refresh(c.refresh)}
	switch c.path {
	case generatorByRequest:
		options = append(options, tfexec.Replace(cliGeneratorAddress))
	case generatorByDestroy:
		options = append(options, tfexec.Destroy(true), tfexec.Target(cliGeneratorAddress))
	}
	m.ResetJournal()
	plan := wd.Plan(options...)
	want := c.diagnostics()
	if c.path == generatorByDestroy {
		tfcli.RequireDiagnostics(t, plan, append([]tfcli.Diag{tfcli.Warning("Resource targeting is in effect", cliNoAddress)}, want...)...)
	} else {
		tfcli.RequireDiagnostics(t, plan, want...)
	}
	for _, d := range plan.Diagnostics {
		if !strings.HasPrefix(d.Summary, "Key ") {
			continue
		}
		for _, fragment := range []string{`"gen-key"`, tag, "1 token"} {
			if !strings.Contains(d.Detail, fragment) {
				t.Errorf("%s does not say %q:\n%s", d, fragment, d.Detail)
			}
		}
	}
	if slices.ContainsFunc(want, func(d tfcli.Diag) bool { return d.Severity == "error" }) {
		plan.RequireFailure(t)
		requireNoMutatingCalls(t, m)
		requireTokenAuthorises(t, m, tag, set.AccessToken)
		return
	}
	plan.RequireSuccess(t)

	apply := wd.Apply(tfexec.DirOrPlan(plan.PlanFile(t)))
	if c.path == generatorByTaintAndMove {
		// No plan announced the removal: Delete refuses before any call, and the gate blocks the plan.
		apply.RequireFailure(t)
		summary := summaryKeyTokenGeneratorRemovalNotAnnounced
		if c.protected {
			summary = summaryKeyTokenRevocationProtected
		}
		tfcli.RequireDiagnostics(t, apply, tfcli.Error(summary, cliNoAddress))
		requireNoMutatingCalls(t, m)
		requireTokenAuthorises(t, m, tag, set.AccessToken)
		run := runGate(t, gateScript(t), plan.Stdout, false)
		if want := "BLOCKED: " + cliGeneratorAddress + " is replaced"; run.ExitCode != 1 || !strings.Contains(run.Output, want) {
			t.Fatalf("the gate must block with %q (exit %d):\n%s", want, run.ExitCode, run.Output)
		}
		return
	}
	apply.RequireSuccess(t)
	if got, want := mutatingCalls(m), c.calls(tag, otherTag); !slices.Equal(got, want) {
		t.Fatalf("mutating calls of the apply:\n  got  %q\n  want %q", got, want)
	}
	requireTokenRefused(t, m, tag, set.AccessToken)
}

// TestAccKeyTokenGenerator_regenerationDiagnostics: the plan of a regeneration names the key and the
// tokens issued; its apply replaces the generator in place, which revokes the tokens issued before.
func TestAccKeyTokenGenerator_regenerationDiagnostics(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	config := func(version string) string {
		return testAccKeyConfig(m, "app-key", "") +
			generatorBlock("this", "ncloudkms_key.test.key_tag", fmt.Sprintf("  regenerate_triggers = { rotated = %q }", version))
	}
	wd.SetConfig(config("2026-01"))
	wd.Apply().RequireSuccess(t)
	tag := cliStateKeyTag(t, wd, testAccKeyAddress)
	newID := statecheck.CompareValue(compare.ValuesDiffer())
	wd.CheckState(t, newID.AddStateValue(cliGeneratorAddress, tfjsonpath.New("generator_id")))
	first, second := issueTokenSet(t, m, tag), issueTokenSet(t, m, tag)

	wd.SetConfig(config("2026-02"))
	m.ResetJournal()
	plan := wd.Plan()
	plan.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, plan, tfcli.Warning(summaryKeyTokensWillBeRevoked, cliGeneratorAddress))
	tfcli.RequireDetail(t, plan, "warning", summaryKeyTokensWillBeRevoked, `"app-key"`, tag, "2 tokens",
		`regenerate_triggers changes from {"rotated":"2026-01"} to {"rotated":"2026-02"}`, "replaced in place",
		"revert the change to regenerate_triggers")
	requireCLIJournal(t, m, cliCall("GET", tag), cliCall("GET", tag, "token-generator"), cliCall("GET", tag))
	for _, d := range plan.Diagnostics {
		t.Logf("plan diagnostic: %s\n%s", d, d.Detail)
	}

	m.ResetJournal()
	apply := wd.Apply()
	apply.RequireSuccess(t)
	// Terraform plans the generator again during the apply, which names the key again.
	requireCLIJournal(t, m, cliCall("GET", tag), cliCall("GET", tag, "token-generator"), cliCall("GET", tag), cliCall("GET", tag),
		cliCall("PUT", tag, "token-generator"), cliCall("GET", tag, "token-generator"))
	wd.CheckState(t, // a new generator, with no token issued
		newID.AddStateValue(cliGeneratorAddress, tfjsonpath.New("generator_id")),
		statecheck.ExpectKnownValue(cliGeneratorAddress, tfjsonpath.New("issued_token_count"), knownvalue.Int64Exact(0)))
	requireTokenRefused(t, m, tag, first.AccessToken)
	requireTokenRefused(t, m, tag, second.AccessToken)

	// A change of deletion_protection alone makes no call and revokes nothing.
	wd.SetConfig(strings.Replace(config("2026-02"), "regenerate_triggers", "deletion_protection = true\n  regenerate_triggers", 1))
	m.ResetJournal()
	apply = wd.Apply()
	apply.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, apply)
	requireNoMutatingCalls(t, m)
}

// TestAccKeyTokenGenerator_deletedOutside: a generator deleted outside Terraform leaves the state
// with a warning, and the next apply creates a new one.
func TestAccKeyTokenGenerator_deletedOutside(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SetConfig(testAccKeyConfig(m, "gen-gone", "") + generatorBlock("this", "ncloudkms_key.test.key_tag", ""))
	wd.Apply().RequireSuccess(t)
	tag := cliStateKeyTag(t, wd, testAccKeyAddress)
	mustMock(t, m.DeleteTokenGenerator(tag))

	plan := wd.Plan()
	plan.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, plan, tfcli.Warning(summaryKeyTokenGeneratorDeletedOutside, cliGeneratorAddress))
	tfcli.RequireDetail(t, plan, "warning", summaryKeyTokenGeneratorDeletedOutside, `"gen-gone"`, tag, "creates a new generator")
	plan.CheckPlan(t, plancheck.ExpectResourceAction(cliGeneratorAddress, plancheck.ResourceActionCreate))
	m.ResetJournal()
	wd.Apply().RequireSuccess(t)
	if got, want := mutatingCalls(m), []string{cliCall("POST", tag, "token-generator")}; !slices.Equal(got, want) {
		t.Fatalf("mutating calls: got %q, want %q", got, want)
	}
}

// TestAccKeyTokenGenerator_keyHasOne: a generator planned for a key that has one fails at plan
// time and says to import it; so does a second resource for the key of a managed generator.
func TestAccKeyTokenGenerator_keyHasOne(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	tag := cliApplyKey(t, wd, m, testAccKeyConfig(m, "gen-taken", ""))
	mustMock(t, m.CreateTokenGenerator(tag))
	before, _ := m.TokenGenerator(tag)
	wd.SetConfig(testAccKeyConfig(m, "gen-taken", "") + generatorBlock("this", "ncloudkms_key.test.key_tag", ""))
	plan := wd.Plan()
	plan.RequireFailure(t)
	tfcli.RequireDiagnostics(t, plan, tfcli.Error(summaryKeyTokenGeneratorExists, cliGeneratorAddress))
	tfcli.RequireDetail(t, plan, "error", summaryKeyTokenGeneratorExists, `"gen-taken"`, "import it", "terraform import <address> "+tag)

	// Imported, it is managed; a second resource for the same key is refused, whichever Terraform plans first.
	wd.Import(cliGeneratorAddress, tag).RequireSuccess(t)
	wd.SetConfig(testAccKeyConfig(m, "gen-taken", "") + generatorBlock("this", "ncloudkms_key.test.key_tag", "") +
		generatorBlock("other", "ncloudkms_key.test.key_tag", ""))
	for _, refresh := range []bool{true, false} {
		m.ResetJournal()
		plan = wd.Plan(tfexec.Refresh(refresh))
		plan.RequireFailure(t)
		claimed := plan.Find("error", summaryKeyTokenGeneratorClaimedTwice)
		exists := plan.Find("error", summaryKeyTokenGeneratorExists)
		if (claimed == nil || claimed.Address != cliGeneratorAddress) && (exists == nil || exists.Address != "ncloudkms_key_token_generator.other") {
			t.Fatalf("plan -refresh=%t: want %q on %s or %q on the other resource:\n%s", refresh, summaryKeyTokenGeneratorClaimedTwice,
				cliGeneratorAddress, summaryKeyTokenGeneratorExists, plan.Describe())
		}
		requireNoMutatingCalls(t, m)
	}
	if after, _ := m.TokenGenerator(tag); after.TokenGeneratorID != before.TokenGeneratorID {
		t.Fatal("the existing generator was replaced")
	}
}
