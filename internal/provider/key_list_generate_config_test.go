package provider

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// `terraform query -generate-config-out` writes a resource block and an import block per result;
// the plan of that configuration imports each and changes nothing else for a key that is enabled or
// disabled, and says, for a key pending deletion, what it says for any imported pending key.

// generatedConfigFile is where the tests have Terraform write the configuration.
const generatedConfigFile = "generated.tf"

// newQueryWorkdir is a parallel test's working directory on a CLI that has list resources, and its mock.
func newQueryWorkdir(t *testing.T) (*tfcli.Workdir, *kmsmock.Server) {
	t.Helper()
	t.Parallel()
	mock := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SkipWithout(featureListResources)
	return wd, mock
}

// queryAndGenerate writes main.tf (the provider block) and the query file of the guide "Bringing
// existing keys under Terraform" (every key, token generator and ACL, with include_resource), runs
// terraform query -generate-config-out, checks that it found want results, and returns the
// generated configuration.
func queryAndGenerate(t *testing.T, wd *tfcli.Workdir, mock *kmsmock.Server, want int) string {
	t.Helper()
	return queryAndGenerateUnder(t, wd, mock, testAccProviderConfig(mock), want)
}

// queryAndGenerateUnder is queryAndGenerate with providerConfig as main.tf.
func queryAndGenerateUnder(t *testing.T, wd *tfcli.Workdir, mock *kmsmock.Server, providerConfig string, want int) string {
	t.Helper()
	wd.SetConfig(providerConfig)
	query, err := os.ReadFile(existingKeysGuide + "keys.tfquery.hcl")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, wd.Dir(), "keys.tfquery.hcl", string(query))
	res := wd.Query(tfexec.GenerateConfigOut(generatedConfigFile))
	res.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, res)
	if len(res.Found) != want {
		t.Fatalf("terraform query found %d results, want %d: %+v", len(res.Found), want, res.Found)
	}
	generated, err := os.ReadFile(filepath.Join(wd.Dir(), generatedConfigFile))
	if err != nil {
		t.Fatal(err)
	}
	// The state-only arguments are left to the provider's defaults: a value written here would
	// override them, and the user reviews them before the first apply.
	if stateOnly := regexp.MustCompile(`(?m)^\s*(deletion_policy|deletion_protection|restore_if_pending)\s*=`).FindString(string(generated)); stateOnly != "" {
		t.Errorf("the generated configuration sets %q:\n%s", stateOnly, generated)
	}
	return string(generated)
}

// requirePlannedImports checks that a plan imports exactly these resources, each with its action:
// NoOp, or Update when the import also changes something.
func requirePlannedImports(t *testing.T, res tfcli.Result, want map[string]plancheck.ResourceActionType) {
	t.Helper()
	checks := []plancheck.PlanCheck{tfcli.ExpectResourceChanges(slices.Collect(maps.Keys(want))...)}
	for address, action := range want {
		checks = append(checks, tfcli.ExpectImporting(address), plancheck.ExpectResourceAction(address, action))
	}
	res.CheckPlan(t, checks...)
}

// TestAccKeyList_generateConfigRoundTrip: enabled and disabled keys, of every type and setting,
// with a token generator and an ACL: the generated configuration imports them all, changes nothing,
// its apply makes no call that changes anything, and the next plan is empty.
func TestAccKeyList_generateConfigRoundTrip(t *testing.T) {
	wd, mock := newQueryWorkdir(t)
	orders := testAccMockKey(t, mock, kmsmock.KeySpec{Name: "orders", Type: "AES256", Memo: "orders database",
		Convergent: true, RotationDays: 90})
	signing := testAccMockKey(t, mock, kmsmock.KeySpec{Name: "signing", Type: "RSA2048", ProtectionType: "COMMON_HSM"})
	mustMock(t, mock.DisableKey(signing.KeyTag))
	testAccMockKey(t, mock, kmsmock.KeySpec{Name: "ecdsa-key", Type: "ECDSA"})
	mustMock(t, mock.CreateTokenGenerator(orders.KeyTag))
	mustMock(t, mock.AddAllowedIPs(orders.KeyTag, "203.0.113.7", "198.51.100.1"))
	mustMock(t, mock.EnableACL(orders.KeyTag))

	queryAndGenerate(t, wd, mock, 5)
	mock.ResetJournal()
	plan := wd.Plan()
	plan.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, plan)
	requirePlannedImports(t, plan, map[string]plancheck.ResourceActionType{
		"ncloudkms_key.all_0": plancheck.ResourceActionNoop, "ncloudkms_key.all_1": plancheck.ResourceActionNoop,
		"ncloudkms_key.all_2": plancheck.ResourceActionNoop, "ncloudkms_key_token_generator.all_0": plancheck.ResourceActionNoop,
		"ncloudkms_key_acl.all_0": plancheck.ResourceActionNoop,
	})
	requireNoMutatingCalls(t, mock)

	apply := wd.Apply()
	apply.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, apply)
	requireNoMutatingCalls(t, mock)
	wd.CheckState(t, // the provider's defaults
		statecheck.ExpectKnownValue("ncloudkms_key.all_0", tfjsonpath.New("deletion_policy"), knownvalue.StringExact("DELETE")),
		statecheck.ExpectKnownValue("ncloudkms_key.all_0", tfjsonpath.New("deletion_protection"), knownvalue.Bool(false)))

	again := wd.Plan()
	again.RequireSuccess(t)
	if again.Changes {
		t.Fatalf("the plan after the import has changes:\n%s", again.Stdout)
	}
	requireNoMutatingCalls(t, mock)
}

// TestAccKeyList_generateConfigPendingKey: for a key pending deletion, the plan of the generated
// configuration warns that the apply restores it, as for any imported pending key; that apply
// cancels the deletion and makes no other change.
func TestAccKeyList_generateConfigPendingKey(t *testing.T) {
	wd, mock := newQueryWorkdir(t)
	pending := testAccPendingMockKey(t, mock, "retired")

	generated := queryAndGenerate(t, wd, mock, 1)
	if !regexp.MustCompile(`(?m)^\s*enabled\s*=\s*false$`).MatchString(generated) {
		t.Errorf("the generated key is not disabled, as a pending key reads:\n%s", generated)
	}
	mock.ResetJournal()
	plan := wd.Plan()
	plan.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, plan, tfcli.Warning(summaryPendingKeyWillBeRestored, "ncloudkms_key.all_0"))
	requirePlannedImports(t, plan, map[string]plancheck.ResourceActionType{"ncloudkms_key.all_0": plancheck.ResourceActionUpdate})
	requireNoMutatingCalls(t, mock)

	mock.ResetJournal()
	apply := wd.Apply()
	apply.RequireSuccess(t)
	if got := mutatingCalls(mock); !slices.Equal(got, []string{cliCall("POST", pending.KeyTag, "cancel-deletion")}) {
		t.Fatalf("apply calls %q, want only the cancel-deletion the plan announced", got)
	}
	cliRequireMockStatus(t, mock, pending.KeyTag, "DISABLE")
	if again := wd.Plan(); again.Failed() || again.Changes {
		t.Fatalf("the plan after the restore is not empty:\n%s", again.Describe())
	}
}

// TestAccKeyList_generateConfigUnderDefaultProtection: a setup of five keys made outside Terraform,
// one pending deletion, adopted under default_deletion_protection = true: the generated
// configuration imports them all, restores the pending key only with the plan's warning, protects
// every key in the state, plans nothing after the apply, and a destroy plan of them is refused before
// any call that changes anything.
func TestAccKeyList_generateConfigUnderDefaultProtection(t *testing.T) {
	wd, mock := newQueryWorkdir(t)
	for _, name := range []string{"payments", "orders-api", "orders-db", "signing"} {
		testAccMockKey(t, mock, kmsmock.KeySpec{Name: name, Type: "AES256"})
	}
	pending := testAccPendingMockKey(t, mock, "legacy")
	providerConfig := testAccProviderConfig_deletionDefaults(mock, providerProtectsByDefault)

	mock.ResetJournal()
	queryAndGenerateUnder(t, wd, mock, providerConfig, 5)
	requireNoMutatingCalls(t, mock)
	mock.ResetJournal()
	plan := wd.Plan()
	plan.RequireSuccess(t)
	imports := map[string]plancheck.ResourceActionType{}
	for i := range 5 {
		imports[fmt.Sprintf("ncloudkms_key.all_%d", i)] = plancheck.ResourceActionNoop
	}
	var restored string // the pending key: imported and restored
	for _, rc := range plan.ShowPlan(t).ResourceChanges {
		if rc.Change.Actions.Update() {
			imports[rc.Address], restored = plancheck.ResourceActionUpdate, rc.Address
		}
	}
	if restored == "" {
		t.Fatalf("no key of the plan restores the pending key %s:\n%s", pending.KeyTag, plan.Stdout)
	}
	requirePlannedImports(t, plan, imports)
	tfcli.RequireDiagnostics(t, plan, tfcli.Warning(summaryPendingKeyWillBeRestored, restored))
	requireNoMutatingCalls(t, mock)

	mock.ResetJournal()
	wd.Apply().RequireSuccess(t)
	if got := mutatingCalls(mock); !slices.Equal(got, []string{cliCall("POST", pending.KeyTag, "cancel-deletion")}) {
		t.Fatalf("apply calls %q, want only the cancel-deletion the plan announced", got)
	}
	for address := range imports {
		requireStateDeletionSettings(t, wd, address, deletionPolicyDelete, true)
	}
	if again := wd.Plan(); again.Failed() || again.Changes {
		t.Fatalf("the plan after the adoption is not empty:\n%s", again.Describe())
	}

	mock.ResetJournal()
	destroy := wd.Plan(tfexec.Destroy(true))
	destroy.RequireFailure(t)
	var refusals []tfcli.Diag
	for address := range imports {
		refusals = append(refusals, tfcli.Error(summaryKeyDeletionProtected, address))
	}
	tfcli.RequireDiagnostics(t, destroy, refusals...)
	requireNoMutatingCalls(t, mock)
}
