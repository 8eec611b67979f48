package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// The guide "Bringing existing keys under Terraform", run as written: its query file, from
// examples/guides/bringing-existing-keys-under-terraform, finds keys made outside Terraform; the
// generated configuration, with the deletion settings the guide's review adds, imports them; the
// apply makes no call that changes anything, and the settings then protect the keys.

const existingKeysGuide = "../../examples/guides/bringing-existing-keys-under-terraform/"

// generatedKeyBlock matches the opening line of a generated ncloudkms_key block and its provider line.
var generatedKeyBlock = regexp.MustCompile(`(?m)^(resource "ncloudkms_key" "all_\d+" \{\n\s*provider\s*=\s*ncloudkms\n)`)

func TestAccGuide_bringingExistingKeys(t *testing.T) {
	wd, mock := newQueryWorkdir(t)
	orders := testAccMockKey(t, mock, kmsmock.KeySpec{Name: "orders-db", Type: "AES256", Memo: "orders database", RotationDays: 90})
	api := testAccMockKey(t, mock, kmsmock.KeySpec{Name: "orders-api", Type: "RSA2048"})
	mustMock(t, mock.DisableKey(api.KeyTag))
	mustMock(t, mock.CreateTokenGenerator(orders.KeyTag))
	mustMock(t, mock.AddAllowedIPs(orders.KeyTag, "203.0.113.7"))
	mustMock(t, mock.EnableACL(orders.KeyTag))

	// 1. Find, 2. generate: the guide's query file as it is; the 2 keys, the generator and the ACL.
	generated := queryAndGenerate(t, wd, mock, 4)

	// 3. Review: each key gets the settings of the guide's reviewed example.
	reviewed := generatedKeyBlock.ReplaceAllString(generated, "${1}  deletion_protection = true\n  deletion_policy     = \"SCHEDULE\"\n")
	if n := len(generatedKeyBlock.FindAllString(generated, -1)); n != 2 {
		t.Fatalf("%d generated key blocks, want 2:\n%s", n, generated)
	}
	writeFile(t, wd.Dir(), generatedConfigFile, reviewed)

	// 4. Import: the settings live in the state only, so the apply makes no call that changes anything.
	mock.ResetJournal()
	plan := wd.Plan()
	plan.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, plan)
	requirePlannedImports(t, plan, map[string]plancheck.ResourceActionType{
		"ncloudkms_key.all_0": plancheck.ResourceActionUpdate, "ncloudkms_key.all_1": plancheck.ResourceActionUpdate,
		"ncloudkms_key_token_generator.all_0": plancheck.ResourceActionNoop, "ncloudkms_key_acl.all_0": plancheck.ResourceActionNoop,
	})
	wd.Apply().RequireSuccess(t)
	requireNoMutatingCalls(t, mock)
	if again := wd.Plan(); again.Failed() || again.Changes {
		t.Fatalf("the plan after the import is not empty:\n%s", again.Describe())
	}

	// The review holds: a destroy plan stops at the keys' protection.
	destroy := wd.Plan(tfexec.Destroy(true))
	destroy.RequireFailure(t)
	tfcli.RequireDiagnostics(t, destroy, tfcli.Error(summaryKeyDeletionProtected, "ncloudkms_key.all_0"),
		tfcli.Error(summaryKeyDeletionProtected, "ncloudkms_key.all_1"),
		tfcli.Warning(summaryKeyTokensWillBeRevoked, "ncloudkms_key_token_generator.all_0"))
	requireNoMutatingCalls(t, mock)
}
