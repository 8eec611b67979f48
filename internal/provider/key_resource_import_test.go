package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

func TestAccKeyResource_importByTag(t *testing.T) {
	m := testAccMock(t)
	config := testAccKeyConfig(m, "imported", keySettings("memo", 30, false))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: config},
			{ResourceName: testAccKeyAddress, ImportState: true, ImportStateVerify: true},
			{
				// Tags are case-insensitive; the state keeps them lower-case.
				ResourceName:      testAccKeyAddress,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					tag, err := stateKeyTag(s)
					return strings.ToUpper(tag), err
				},
			},
		},
	})
}

func TestAccKeyResource_importByName(t *testing.T) {
	m := testAccMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: testAccKeyConfig(m, "By-Name", "")},
			// Names compare case-insensitively, as NCloud compares them.
			{ResourceName: testAccKeyAddress, ImportState: true, ImportStateVerify: true, ImportStateId: "name/by-name"},
		},
	})
}

// TestAccKeyResource_importBlock imports with an import block (`terraform plan`), which Terraform
// supports from 1.5 on.
func TestAccKeyResource_importBlock(t *testing.T) {
	m := testAccMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		TerraformVersionChecks:   cliFeatureChecks(featureImportBlocks),
		Steps: []resource.TestStep{
			{Config: testAccKeyConfig(m, "block-import", "")},
			{ResourceName: testAccKeyAddress, ImportState: true, ImportStateKind: resource.ImportBlockWithID},
			{
				ResourceName:    testAccKeyAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   "name/block-import",
			},
		},
	})
}

// TestAccKeyResource_importPendingDeletion imports a key pending deletion made outside Terraform; the
// next apply restores it.
func TestAccKeyResource_importPendingDeletion(t *testing.T) {
	m := testAccMock(t)
	key := testAccMockKey(t, m, kmsmock.KeySpec{Name: "pending", Type: "AES256"})
	mustMock(t, m.RequestDeletion(key.KeyTag))
	config := testAccKeyConfig(m, "pending", "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config:             config,
				ResourceName:       testAccKeyAddress,
				ImportState:        true,
				ImportStateId:      key.KeyTag,
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("want 1 imported instance, got %d", len(states))
					}
					want := map[string]string{"status": "REVOKE", "enabled": "false", "name": "pending",
						"deletion_policy": "DELETE", "deletion_protection": "false", "restore_if_pending": "false"}
					for attribute, value := range want {
						if got := states[0].Attributes[attribute]; got != value {
							return fmt.Errorf("%s = %q, want %q", attribute, got, value)
						}
					}
					if !rfc3339Regexp.MatchString(states[0].Attributes["deletion_scheduled_for"]) {
						return fmt.Errorf("deletion_scheduled_for = %q", states[0].Attributes["deletion_scheduled_for"])
					}
					return nil
				},
			},
			{
				PreConfig:        m.ResetJournal,
				Config:           config,
				ConfigPlanChecks: expectKeyAction(plancheck.ResourceActionUpdate),
				Check:            testAccCheckApplyCalls(m, "POST /keys/{tag}/cancel-deletion", "POST /keys/{tag}/enable"),
			},
		},
	})
}

func TestAccKeyResource_importInvalidID(t *testing.T) {
	m := testAccMock(t)
	config := testAccKeyConfig(m, "unused", "")
	importStep := func(id string, want ...string) resource.TestStep {
		return resource.TestStep{
			Config:        config,
			ResourceName:  testAccKeyAddress,
			ImportState:   true,
			ImportStateId: id,
			ExpectError:   errorText(want...),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			importStep("not-a-tag", "Invalid import ID", "neither a key tag nor a key name", "name/<keyName>"),
			importStep(strings.Repeat("a", 63), "Invalid import ID", "(64 hexadecimal characters)"),
			importStep(strings.Repeat("g", 64), "Invalid import ID"),
			importStep("name/1bad", "Invalid import ID", "must start with a letter"),
			importStep("name/missing", "Key not found", `No key named "missing"`),
			importStep(strings.Repeat("0", 64), "Cannot import non-existent remote object"),
		},
	})
}

// TestAccKeyResource_identity: the key's resource identity is its key tag, and an import block with
// identity = { key_tag = "..." } imports it (resource identity: Terraform 1.12+, OpenTofu 1.12+).
func TestAccKeyResource_identity(t *testing.T) {
	m := testAccMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		TerraformVersionChecks:   cliFeatureChecks(featureResourceIdentity),
		Steps: []resource.TestStep{
			{
				Config: testAccKeyConfig(m, "identity", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(testAccKeyAddress, map[string]knownvalue.Check{
						"key_tag": knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{64}$`)),
					}),
					statecheck.ExpectIdentityValueMatchesState(testAccKeyAddress, tfjsonpath.New("key_tag")),
				},
			},
			{ResourceName: testAccKeyAddress, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
			{
				// An import block with identity: the plan imports the key and changes nothing.
				PreConfig: m.ResetJournal,
				Config:    testAccKeyConfig(m, "identity", ""),
				Check:     func(*terraform.State) error { requireNoMutatingCalls(t, m); return nil },
			},
		},
	})
}
