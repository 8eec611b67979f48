package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestAccKeyResource_deletedOutside: a key gone from NCloud leaves the state at refresh, and the plan
// creates a new one (no destroy, so no deletion diagnostics).
func TestAccKeyResource_deletedOutside(t *testing.T) {
	m := testAccMock(t)
	var tag string
	newTag := statecheck.CompareValue(compare.ValuesDiffer())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config:            testAccKeyConfig(m, "vanishing", ""),
				ConfigStateChecks: []statecheck.StateCheck{newTag.AddStateValue(testAccKeyAddress, tfjsonpath.New("id"))},
				Check:             testAccCaptureKeyTag(&tag),
			},
			{
				PreConfig: func() {
					mustMock(t, m.RequestDeletion(tag))
					mustMock(t, m.DeleteKey(tag))
					m.ResetJournal()
				},
				Config:            testAccKeyConfig(m, "vanishing", ""),
				ConfigPlanChecks:  expectKeyAction(plancheck.ResourceActionCreate),
				ConfigStateChecks: []statecheck.StateCheck{newTag.AddStateValue(testAccKeyAddress, tfjsonpath.New("id"))},
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckApplyCalls(m, "POST /keys", "GET /keys/{tag}"),
					testAccCheckMockKeyCount(m, 1),
				),
			},
		},
	})
}

// TestAccKeyResource_deletionRequestedOutside: a key pending deletion stays in state as REVOKE; the
// plan is an update, and the apply cancels the deletion and enables the key again.
func TestAccKeyResource_deletionRequestedOutside(t *testing.T) {
	m := testAccMock(t)
	var tag string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: testAccKeyConfig(m, "revoked", ""),
				Check:  testAccCaptureKeyTag(&tag),
			},
			{
				PreConfig:          func() { mustMock(t, m.RequestDeletion(tag)) },
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccKeyAddress, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(testAccKeyAddress, "status", "REVOKE"),
					resource.TestCheckResourceAttr(testAccKeyAddress, "enabled", "false"),
					resource.TestMatchResourceAttr(testAccKeyAddress, "deletion_scheduled_for", rfc3339Regexp),
				),
			},
			{
				PreConfig:        m.ResetJournal,
				Config:           testAccKeyConfig(m, "revoked", ""),
				ConfigPlanChecks: expectKeyAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					expectKeyValue("status", knownvalue.StringExact("ENABLE")),
					expectKeyValue("enabled", knownvalue.Bool(true)),
					expectKeyValue("deletion_scheduled_for", knownvalue.Null()),
				},
				Check: testAccCheckApplyCalls(m, "POST /keys/{tag}/cancel-deletion", "POST /keys/{tag}/enable"),
			},
		},
	})
}

// TestAccKeyResource_deletionRequestedOutsideStaysDisabled: with enabled = false the apply only
// cancels the deletion (which leaves the key DISABLE).
func TestAccKeyResource_deletionRequestedOutsideStaysDisabled(t *testing.T) {
	m := testAccMock(t)
	var tag string
	config := testAccKeyConfig(m, "revoked-off", keySettings("", 0, false))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: config, Check: testAccCaptureKeyTag(&tag)},
			{
				PreConfig:        func() { mustMock(t, m.RequestDeletion(tag)); m.ResetJournal() },
				Config:           config,
				ConfigPlanChecks: expectKeyAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					expectKeyValue("status", knownvalue.StringExact("DISABLE")),
					expectKeyValue("deletion_scheduled_for", knownvalue.Null()),
				},
				Check: testAccCheckApplyCalls(m, "POST /keys/{tag}/cancel-deletion"),
			},
		},
	})
}

func TestAccKeyResource_disabledOutside(t *testing.T) {
	m := testAccMock(t)
	var tag string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: testAccKeyConfig(m, "drifting", ""), Check: testAccCaptureKeyTag(&tag)},
			{
				PreConfig:         func() { mustMock(t, m.DisableKey(tag)); m.ResetJournal() },
				Config:            testAccKeyConfig(m, "drifting", ""),
				ConfigPlanChecks:  expectKeyAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{expectKeyValue("status", knownvalue.StringExact("ENABLE"))},
				Check:             testAccCheckApplyCalls(m, "POST /keys/{tag}/enable"),
			},
		},
	})
}

func TestAccKeyResource_renamedOutside(t *testing.T) {
	m := testAccMock(t)
	var tag string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: testAccKeyConfig(m, "original", ""), Check: testAccCaptureKeyTag(&tag)},
			{
				PreConfig:         func() { mustMock(t, m.RenameKey(tag, "console-name")); m.ResetJournal() },
				Config:            testAccKeyConfig(m, "original", ""),
				ConfigPlanChecks:  expectKeyAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{expectKeyValue("name", knownvalue.StringExact("original"))},
				Check:             testAccCheckApplyCalls(m, "PUT /keys/{tag}/name"),
			},
		},
	})
}

// TestAccKeyResource_noDrift: an unchanged configuration plans nothing.
func TestAccKeyResource_noDrift(t *testing.T) {
	m := testAccMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: testAccKeyConfig(m, "steady", keySettings("memo", 30, false))},
			{
				PreConfig:        m.ResetJournal,
				Config:           testAccKeyConfig(m, "steady", keySettings("memo", 30, false)),
				ConfigPlanChecks: expectKeyAction(plancheck.ResourceActionNoop),
				Check:            testAccCheckApplyCalls(m),
			},
		},
	})
}

// TestAccKeyResource_deletedOutsideWarning: refreshing a key deleted outside Terraform warns once,
// naming the key, and the plan that re-creates it carries no other diagnostic.
func TestAccKeyResource_deletedOutsideWarning(t *testing.T) {
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SetConfig(testAccKeyConfig(m, "cli-key", ""))
	wd.Apply().RequireSuccess(t)
	tag := m.Keys()[0].KeyTag
	mustMock(t, m.RequestDeletion(tag))
	mustMock(t, m.DeleteKey(tag))

	plan := wd.Plan()
	plan.RequireSuccess(t)
	if len(plan.Diagnostics) != 1 {
		t.Fatalf("want exactly one diagnostic, got %v", plan.Diagnostics)
	}
	warning := plan.Diagnostics[0]
	if warning.Severity != "warning" || warning.Summary != "Key deleted outside Terraform" || warning.Address != testAccKeyAddress {
		t.Errorf("got %v, want warning %q at %q", warning, "Key deleted outside Terraform", testAccKeyAddress)
	}
	if !strings.Contains(warning.Detail, `"cli-key"`) || !strings.Contains(warning.Detail, tag) {
		t.Errorf("the warning does not name the key and its tag: %s", warning.Detail)
	}
}
