package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// Tests of the provider's deletion defaults (deletion_defaults.go): default_deletion_policy and
// default_deletion_protection fill the deletion settings of every key and token generator that sets
// none, on create and on import; a change of them is an update; a resource's own setting wins.

// --- unit tests ---

func TestDeletionDefaults_plannedWithDefault(t *testing.T) {
	scheduled := &deletionDefaults{Policy: deletionPolicySchedule, Protection: true}
	for _, tc := range []struct {
		name                    string
		configured, prior, want types.String
		defaults                *deletionDefaults // nil: the provider configuration is unknown
	}{
		{"own setting wins", types.StringValue("ABANDON"), types.StringValue("DELETE"), types.StringValue("ABANDON"), scheduled},
		{"own setting unknown stays unknown", types.StringUnknown(), types.StringNull(), types.StringUnknown(), scheduled},
		{"provider default on create", types.StringNull(), types.StringNull(), types.StringValue("SCHEDULE"), scheduled},
		{"provider default replaces a recorded one", types.StringNull(), types.StringValue("DELETE"), types.StringValue("SCHEDULE"), scheduled},
		{"built-in default when the provider sets none", types.StringNull(), types.StringValue("ABANDON"), types.StringValue("DELETE"),
			&builtInDeletionDefaults},
		{"unknown provider configuration keeps the state", types.StringNull(), types.StringValue("ABANDON"), types.StringValue("ABANDON"), nil},
		{"unknown provider configuration on create", types.StringNull(), types.StringNull(), types.StringUnknown(), nil},
		{"unknown provider configuration, unknown prior", types.StringNull(), types.StringUnknown(), types.StringUnknown(), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := plannedWithDefault(tc.configured, tc.prior, tc.defaults.policy()); !got.Equal(tc.want) {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// The defaults as plan values: unknown while the provider configuration is unknown.
func TestDeletionDefaults_planValues(t *testing.T) {
	var unknown *deletionDefaults
	set := &deletionDefaults{Policy: deletionPolicyAbandon, Protection: true}
	for _, c := range []struct{ got, want attr.Value }{
		{unknown.policy(), types.StringUnknown()},
		{unknown.protection(), types.BoolUnknown()},
		{set.policy(), types.StringValue("ABANDON")},
		{set.protection(), types.BoolValue(true)},
		{plannedWithDefault(types.BoolNull(), types.BoolValue(false), set.protection()), types.BoolValue(true)},
		{plannedWithDefault(types.BoolNull(), types.BoolValue(true), unknown.protection()), types.BoolValue(true)},
	} {
		if !c.got.Equal(c.want) {
			t.Errorf("got %s, want %s", c.got, c.want)
		}
	}
}

func TestDeletionDefaults_ofProviderBlock(t *testing.T) {
	if got := deletionDefaultsOf(types.StringNull(), types.BoolNull()); got != builtInDeletionDefaults {
		t.Errorf("unset: %+v, want the built-in %+v", got, builtInDeletionDefaults)
	}
	if got, want := deletionDefaultsOf(types.StringValue("ABANDON"), types.BoolValue(true)),
		(deletionDefaults{Policy: "ABANDON", Protection: true}); got != want {
		t.Errorf("set: %+v, want %+v", got, want)
	}
	if builtInDeletionDefaults != (deletionDefaults{Policy: "DELETE", Protection: false}) {
		t.Errorf("built-in defaults %+v, want DELETE and false", builtInDeletionDefaults)
	}
}

// An unknown default is an unknown provider setting: Configure then hands out no provider data, and
// the resources plan as for any unknown provider configuration.
func TestDeletionDefaults_unknownDefaultIsUnknownConfiguration(t *testing.T) {
	for _, config := range []providerModel{
		{DefaultDeletionPolicy: types.StringUnknown()},
		{DefaultDeletionProtection: types.BoolUnknown()},
	} {
		if !config.hasUnknownValue() {
			t.Errorf("%+v: not reported as unknown", config)
		}
	}
	if (providerModel{DefaultDeletionPolicy: types.StringValue("ABANDON"), DefaultDeletionProtection: types.BoolValue(true)}).hasUnknownValue() {
		t.Error("known defaults reported as unknown")
	}
}

// --- configurations ---

// testAccProviderConfig_deletionDefaults is the mock's provider block with extra argument lines.
func testAccProviderConfig_deletionDefaults(m *kmsmock.Server, lines string) string {
	return fmt.Sprintf(`
provider "ncloudkms" {
  endpoint   = %q
  access_key = %q
  secret_key = %q
%s
}
`, m.URL(), m.AccessKey(), m.SecretKey(), lines)
}

const (
	providerProtectsByDefault    = "  default_deletion_protection = true"
	providerSchedulesAndProtects = "  default_deletion_policy     = \"SCHEDULE\"\n  default_deletion_protection = true"
)

// requireStateDeletionSettings checks a resource's deletion settings in the state (policy "" for a
// token generator, which has none).
func requireStateDeletionSettings(t *testing.T, wd *tfcli.Workdir, address, policy string, protected bool) {
	t.Helper()
	checks := []statecheck.StateCheck{statecheck.ExpectKnownValue(address, tfjsonpath.New("deletion_protection"), knownvalue.Bool(protected))}
	if policy != "" {
		checks = append(checks, statecheck.ExpectKnownValue(address, tfjsonpath.New("deletion_policy"), knownvalue.StringExact(policy)))
	}
	wd.CheckState(t, checks...)
}

// --- acceptance tests ---

// A key made under default_deletion_protection = true is protected in its state: destroy fails at
// plan time, before any call that changes anything.
func TestAccKeyResource_defaultDeletionProtection(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SkipWithout(featurePlanTimeDeletionDiagnostics)
	wd.SetConfig(testAccProviderConfig_deletionDefaults(m, providerProtectsByDefault) + testAccKeyBlock("test", "dft-protect", ""))
	apply := wd.Apply()
	apply.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, apply)
	tag := cliStateKeyTag(t, wd, testAccKeyAddress)
	requireCLIJournal(t, m, cliCall("GET", ""), cliCall("POST", ""), cliCall("GET", tag))
	requireStateDeletionSettings(t, wd, testAccKeyAddress, deletionPolicyDelete, true)

	m.ResetJournal()
	plan := wd.Plan(tfexec.Destroy(true))
	plan.RequireFailure(t)
	tfcli.RequireDiagnostics(t, plan, tfcli.Error(summaryKeyDeletionProtected, testAccKeyAddress))
	tfcli.RequireDetail(t, plan, "error", summaryKeyDeletionProtected, `"dft-protect"`, tag, "set deletion_protection = false")
	requireCLIJournal(t, m, cliCall("GET", tag))

	destroy := wd.Destroy()
	destroy.RequireFailure(t)
	tfcli.RequireDiagnostics(t, destroy, tfcli.Error(summaryKeyDeletionProtected, testAccKeyAddress))
	requireNoMutatingCalls(t, m)
	cliRequireMockStatus(t, m, tag, kmsapi.StatusEnable)

	// The configuration leaves the setting to the provider, and the state holds it: nothing to change.
	if again := wd.Plan(); again.Failed() || again.Changes {
		t.Fatalf("plan after create: exit %d, changes %t\n%s", again.ExitCode, again.Changes, again.Describe())
	}
}

// A key imported under the provider's defaults takes them, not the built-in ones, so that a
// configuration that leaves the settings out (as terraform query writes it) imports it protected and
// plans nothing more.
func TestAccKeyResource_defaultDeletionProtectionOnImport(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"terraform import", "import block"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			m := testAccMock(t)
			wd := newTFWorkdir(t)
			wd.SkipWithout(featurePlanTimeDeletionDiagnostics)
			key := testAccMockKey(t, m, kmsmock.KeySpec{Name: "dft-import"})
			config := testAccProviderConfig_deletionDefaults(m, providerSchedulesAndProtects) + testAccKeyBlock("test", "dft-import", "")
			if how == "terraform import" {
				wd.SetConfig(config)
				wd.Import(testAccKeyAddress, key.KeyTag).RequireSuccess(t)
			} else {
				wd.SkipWithout(featureImportBlocks)
				wd.SetConfig(config + fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", testAccKeyAddress, key.KeyTag))
				apply := wd.Apply()
				apply.RequireSuccess(t)
				tfcli.RequireDiagnostics(t, apply)
			}
			requireStateDeletionSettings(t, wd, testAccKeyAddress, deletionPolicySchedule, true)
			requireNoMutatingCalls(t, m)

			wd.SetConfig(config)
			if plan := wd.Plan(); plan.Failed() || plan.Changes {
				t.Fatalf("plan after import: exit %d, changes %t\n%s", plan.ExitCode, plan.Changes, plan.Describe())
			}
			plan := wd.Plan(tfexec.Destroy(true))
			plan.RequireFailure(t)
			tfcli.RequireDiagnostics(t, plan, tfcli.Error(summaryKeyDeletionProtected, testAccKeyAddress))
			requireNoMutatingCalls(t, m)
			cliRequireMockStatus(t, m, key.KeyTag, kmsapi.StatusEnable)
		})
	}
}

// Under default_deletion_policy = "SCHEDULE", destroy only requests the deletion.
func TestAccKeyResource_defaultDeletionPolicySchedule(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SkipWithout(featurePlanTimeDeletionDiagnostics)
	tag := cliApplyKey(t, wd, m, testAccProviderConfig_deletionDefaults(m, `  default_deletion_policy = "SCHEDULE"`)+
		testAccKeyBlock("test", "dft-schedule", ""))
	requireStateDeletionSettings(t, wd, testAccKeyAddress, deletionPolicySchedule, false)

	destroy := wd.Destroy()
	destroy.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, destroy, tfcli.Warning(summaryKeyWillBeScheduled, testAccKeyAddress))
	tfcli.RequireDetail(t, destroy, "warning", summaryKeyWillBeScheduled, `"dft-schedule"`, tag, "72 hours")
	requireCLIJournal(t, m, cliCall("GET", tag), cliCall("GET", tag, "last-use-info"), cliCall("POST", tag, "request-deletion"))
	cliRequireMockStatus(t, m, tag, kmsapi.StatusRevoke)
	wd.CheckState(t, tfcli.ExpectNoResource(testAccKeyAddress))
}

// A key's own deletion_policy and deletion_protection win over the provider's defaults.
func TestAccKeyResource_defaultOverriddenByOwnSetting(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SkipWithout(featurePlanTimeDeletionDiagnostics)
	tag := cliApplyKey(t, wd, m, testAccProviderConfig_deletionDefaults(m, providerSchedulesAndProtects)+
		testAccKeyBlock("test", "dft-own", "  deletion_policy     = \"DELETE\"\n  deletion_protection = false"))
	requireStateDeletionSettings(t, wd, testAccKeyAddress, deletionPolicyDelete, false)

	destroy := wd.Destroy()
	destroy.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, destroy, tfcli.Warning(summaryKeyWillBeDeleted, testAccKeyAddress))
	requireCLIJournal(t, m, cliCall("GET", tag), cliCall("GET", tag, "last-use-info"),
		cliCall("POST", tag, "request-deletion"), cliCall("DELETE", tag))
	cliRequireMockGone(t, m, tag)
}

// A new provider default is planned as an in-place update of the keys that set none, with no API
// call at apply; a key with its own settings is left alone. Removing the default plans the way back.
func TestAccKeyResource_defaultChangePlansUpdate(t *testing.T) {
	m := testAccMock(t)
	const ownAddress = "ncloudkms_key.own"
	config := func(providerLines string) string {
		return testAccProviderConfig_deletionDefaults(m, providerLines) +
			testAccKeyBlock("test", "dft-follows", "") +
			testAccKeyBlock("own", "dft-own", "  deletion_policy     = \"ABANDON\"\n  deletion_protection = false")
	}
	settings := func(address, policy string, protected bool) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(address, tfjsonpath.New("deletion_policy"), knownvalue.StringExact(policy)),
			statecheck.ExpectKnownValue(address, tfjsonpath.New("deletion_protection"), knownvalue.Bool(protected)),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config:            config(""),
				ConfigStateChecks: append(settings(testAccKeyAddress, "DELETE", false), settings(ownAddress, "ABANDON", false)...),
			},
			{
				PreConfig: m.ResetJournal,
				Config:    config(providerSchedulesAndProtects),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccKeyAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(testAccKeyAddress, tfjsonpath.New("deletion_policy"), knownvalue.StringExact("SCHEDULE")),
					plancheck.ExpectKnownValue(testAccKeyAddress, tfjsonpath.New("deletion_protection"), knownvalue.Bool(true)),
					plancheck.ExpectKnownValue(testAccKeyAddress, tfjsonpath.New("status"), knownvalue.StringExact("ENABLE")),
					plancheck.ExpectResourceAction(ownAddress, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: append(settings(testAccKeyAddress, "SCHEDULE", true), settings(ownAddress, "ABANDON", false)...),
				Check:             testAccCheckApplyCalls(m), // state-only attributes: no call
			},
			{
				PreConfig: m.ResetJournal,
				Config:    config(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccKeyAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(ownAddress, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: append(settings(testAccKeyAddress, "DELETE", false), settings(ownAddress, "ABANDON", false)...),
				Check:             testAccCheckApplyCalls(m),
			},
		},
	})
}

// While the provider configuration is unknown at plan time (a setting comes from a resource that
// changes in the same apply), a new key or token generator takes the default at apply (known after
// apply), and an existing one keeps its state until a plan that knows the default. Its refresh
// then keeps the state as it is (the ACL's too).
func TestAccKeyResource_defaultWithUnknownProviderConfiguration(t *testing.T) {
	m := testAccMock(t)
	config := func(trigger, providerLines string) string {
		return fmt.Sprintf(`
resource "terraform_data" "secret" {
  input            = %q
  triggers_replace = %q
}

provider "ncloudkms" {
  endpoint   = %q
  access_key = %q
  secret_key = terraform_data.secret.output
%s
}
`, m.SecretKey(), trigger, m.URL(), m.AccessKey(), providerLines) + testAccKeyBlock("test", "dft-unknown", "") +
			generatorBlock("test", testAccKeyAddress+".key_tag", "") + aclBlock("test", testAccKeyAddress, "", "10.0.0.1")
	}
	protection := func(protected bool) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(testAccKeyAddress, tfjsonpath.New("deletion_protection"), knownvalue.Bool(protected)),
			statecheck.ExpectKnownValue(testAccGeneratorAddress, tfjsonpath.New("deletion_protection"), knownvalue.Bool(protected)),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		TerraformVersionChecks:   cliFeatureChecks(featureTerraformData),
		Steps: []resource.TestStep{
			{
				Config: config("1", providerProtectsByDefault),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccKeyAddress, plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue(testAccKeyAddress, tfjsonpath.New("deletion_policy")),
					plancheck.ExpectUnknownValue(testAccKeyAddress, tfjsonpath.New("deletion_protection")),
					plancheck.ExpectUnknownValue(testAccGeneratorAddress, tfjsonpath.New("deletion_protection")),
				}},
				ConfigStateChecks: append(protection(true),
					statecheck.ExpectKnownValue(testAccKeyAddress, tfjsonpath.New("deletion_policy"), knownvalue.StringExact("DELETE"))),
			},
			{
				// A new secret resource makes the provider configuration unknown again: the key and the
				// generator keep their protection in this apply, and the next plan lifts it.
				Config: config("2", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccKeyAddress, plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction(testAccGeneratorAddress, plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction(testAccACLAddress, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks:  protection(true),
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: m.ResetJournal,
				Config:    config("2", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccKeyAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(testAccKeyAddress, tfjsonpath.New("deletion_protection"), knownvalue.Bool(false)),
					plancheck.ExpectResourceAction(testAccGeneratorAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(testAccGeneratorAddress, tfjsonpath.New("deletion_protection"), knownvalue.Bool(false)),
					plancheck.ExpectResourceAction(testAccACLAddress, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: protection(false),
				Check:             testAccCheckApplyCalls(m), // state-only attributes: no call
			},
		},
	})
}

// Invalid provider defaults fail at plan time on the provider attribute, before any API call.
func TestAccProvider_defaultDeletionSettingsInvalid(t *testing.T) {
	for _, c := range []badInputCase{
		{name: "policy unknown", config: badProviderSetting(map[string]string{defaultDeletionPolicyAttribute: `"DESTROY"`}),
			attribute: defaultDeletionPolicyAttribute, excerpt: `must be one of: ["DELETE" "SCHEDULE" "ABANDON"], got: "DESTROY"`},
		{name: "policy lower case", config: badProviderSetting(map[string]string{defaultDeletionPolicyAttribute: `"schedule"`}),
			attribute: defaultDeletionPolicyAttribute, excerpt: `got: "schedule"`},
		{name: "policy empty", config: badProviderSetting(map[string]string{defaultDeletionPolicyAttribute: `""`}),
			attribute: defaultDeletionPolicyAttribute, excerpt: `got: ""`},
		{name: "protection not a bool", config: badProviderSetting(map[string]string{defaultDeletionProtectionAttribute: `"maybe"`}),
			attribute: defaultDeletionProtectionAttribute, excerpt: "a bool is required"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			m := testAccMock(t)
			wd := newTFWorkdir(t)
			wd.SetConfig(c.config(m))
			plan := wd.Plan()
			plan.RequireFailure(t)
			var errorTexts []string
			for _, d := range plan.WithSeverity("error") {
				errorTexts = append(errorTexts, diagnosticText(d))
				if d.Snippet == nil || !strings.Contains(d.Snippet.Code, c.attribute) {
					t.Errorf("%s does not point at the provider's %s: %+v", d, c.attribute, d.Snippet)
				}
			}
			checkBadInputError(t, c, errorTexts)
			if calls := journalCalls(m); len(calls) != 0 {
				t.Errorf("an invalid provider default reached the API: %q", calls)
			}
		})
	}
}

// A token generator made or imported under default_deletion_protection = true is protected: a
// plan that would revoke its tokens fails, and they keep working.
func TestAccKeyTokenGeneratorResource_defaultDeletionProtection(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SkipWithout(featurePlanTimeDeletionDiagnostics)
	// The key lifts its own protection, so that only the generator's refusal is in question.
	config := testAccProviderConfig_deletionDefaults(m, providerProtectsByDefault) +
		testAccKeyBlock("test", "dft-gen", "  deletion_protection = false") + generatorBlock("this", "ncloudkms_key.test.key_tag", "")
	wd.SetConfig(config)
	wd.Apply().RequireSuccess(t)
	tag := cliStateKeyTag(t, wd, testAccKeyAddress)
	requireStateDeletionSettings(t, wd, cliGeneratorAddress, "", true)
	set := issueTokenSet(t, m, tag)

	for _, step := range []string{"created", "imported"} {
		if step == "imported" {
			if res := wd.StateRm(cliGeneratorAddress); res.Failed() {
				t.Fatalf("terraform state rm failed:\n%s\n%s", res.Stdout, res.Stderr)
			}
			wd.Import(cliGeneratorAddress, tag).RequireSuccess(t)
			requireStateDeletionSettings(t, wd, cliGeneratorAddress, "", true)
			if plan := wd.Plan(); plan.Failed() || plan.Changes {
				t.Fatalf("plan after import: exit %d, changes %t\n%s", plan.ExitCode, plan.Changes, plan.Describe())
			}
		}
		m.ResetJournal()
		plan := wd.Plan(tfexec.Destroy(true))
		plan.RequireFailure(t)
		// The key is destroyed after its generator, so its plan is not reached.
		tfcli.RequireDiagnostics(t, plan, tfcli.Error(summaryKeyTokenRevocationProtected, cliGeneratorAddress))
		tfcli.RequireDetail(t, plan, "error", summaryKeyTokenRevocationProtected, `"dft-gen"`, tag, "1 token")
		requireNoMutatingCalls(t, m)
		requireTokenAuthorises(t, m, tag, set.AccessToken)
	}
}
