package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

var (
	keyTagRegexp  = regexp.MustCompile(`^[0-9a-f]{64}$`)
	rfc3339Regexp = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$`)
	nrnRegexp     = regexp.MustCompile(`^nrn:PUB:KMS::\d+:Key/\d+$`)
)

func expectKeyValue(attribute string, value knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(testAccKeyAddress, tfjsonpath.New(attribute), value)
}

func expectKeyAction(action plancheck.ResourceActionType) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccKeyAddress, action)}}
}

func TestAccKeyResource_basic(t *testing.T) {
	m := testAccMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				PreConfig:         m.ResetJournal,
				Config:            testAccKeyConfig(m, "basic-key", ""),
				ConfigPlanChecks:  expectKeyAction(plancheck.ResourceActionCreate),
				ConfigStateChecks: basicKeyStateChecks("basic-key"),
				// Default configuration: exactly POST and one GET (listings are the plan-time name check).
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckCallsWithoutLists(m, "POST /keys", "GET /keys/{tag}"),
					testAccCheckMockKeyCount(m, 1),
				),
			},
		},
	})
}

func basicKeyStateChecks(name string) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		expectKeyValue("id", knownvalue.StringRegexp(keyTagRegexp)),
		statecheck.CompareValuePairs(testAccKeyAddress, tfjsonpath.New("id"), testAccKeyAddress, tfjsonpath.New("key_tag"), compare.ValuesSame()),
		expectKeyValue("name", knownvalue.StringExact(name)),
		expectKeyValue("type", knownvalue.StringExact("AES256")),
		expectKeyValue("protection_type", knownvalue.StringExact("BASIC")),
		expectKeyValue("memo", knownvalue.StringExact("")),
		expectKeyValue("convergent", knownvalue.Bool(false)),
		expectKeyValue("rotation_period_days", knownvalue.Null()),
		expectKeyValue("enabled", knownvalue.Bool(true)),
		expectKeyValue("deletion_policy", knownvalue.StringExact("DELETE")),
		expectKeyValue("deletion_protection", knownvalue.Bool(false)),
		expectKeyValue("restore_if_pending", knownvalue.Bool(false)),
		expectKeyValue("status", knownvalue.StringExact("ENABLE")),
		expectKeyValue("current_version", knownvalue.Int64Exact(1)),
		expectKeyValue("nrn", knownvalue.StringRegexp(nrnRegexp)),
		expectKeyValue("created_at", knownvalue.StringRegexp(rfc3339Regexp)),
		expectKeyValue("next_rotation_at", knownvalue.Null()),
		expectKeyValue("deletion_scheduled_for", knownvalue.Null()),
	}
}

func TestAccKeyResource_allAttributes(t *testing.T) {
	m := testAccMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				PreConfig: m.ResetJournal,
				Config: testAccKeyConfig(m, "Full_Key-1", `
  protection_type      = "COMMON_HSM"
  memo                 = "payments data key"
  convergent           = true
  rotation_period_days = 30
  enabled              = false
  deletion_policy      = "SCHEDULE"
  deletion_protection  = false
  restore_if_pending   = true
`),
				ConfigPlanChecks: expectKeyAction(plancheck.ResourceActionCreate),
				ConfigStateChecks: []statecheck.StateCheck{
					expectKeyValue("id", knownvalue.StringRegexp(keyTagRegexp)),
					expectKeyValue("name", knownvalue.StringExact("Full_Key-1")),
					expectKeyValue("type", knownvalue.StringExact("AES256")),
					expectKeyValue("protection_type", knownvalue.StringExact("COMMON_HSM")),
					expectKeyValue("memo", knownvalue.StringExact("payments data key")),
					expectKeyValue("convergent", knownvalue.Bool(true)),
					expectKeyValue("rotation_period_days", knownvalue.Int64Exact(30)),
					expectKeyValue("enabled", knownvalue.Bool(false)),
					expectKeyValue("deletion_policy", knownvalue.StringExact("SCHEDULE")),
					expectKeyValue("deletion_protection", knownvalue.Bool(false)),
					expectKeyValue("restore_if_pending", knownvalue.Bool(true)),
					expectKeyValue("status", knownvalue.StringExact("DISABLE")),
					expectKeyValue("current_version", knownvalue.Int64Exact(1)),
					expectKeyValue("nrn", knownvalue.StringRegexp(nrnRegexp)),
					expectKeyValue("created_at", knownvalue.StringRegexp(rfc3339Regexp)),
					expectKeyValue("next_rotation_at", knownvalue.StringRegexp(rfc3339Regexp)),
					expectKeyValue("deletion_scheduled_for", knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					// restore_if_pending looks for a pending key first (a listing), then creates and disables.
					testAccCheckCallsWithoutLists(m, "POST /keys", "POST /keys/{tag}/disable", "GET /keys/{tag}"),
					testAccCheckMockKeyCount(m, 1),
				),
			},
		},
	})
}

// TestAccKeyResource_stateOnlyUpdate changes only attributes the API does not know: an update, no call.
func TestAccKeyResource_stateOnlyUpdate(t *testing.T) {
	m := testAccMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: testAccKeyConfig(m, "state-only", "")},
			{
				PreConfig: m.ResetJournal,
				Config: testAccKeyConfig(m, "state-only", `
  deletion_policy    = "ABANDON"
  restore_if_pending = true
`),
				ConfigPlanChecks: expectKeyAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					expectKeyValue("deletion_policy", knownvalue.StringExact("ABANDON")),
					expectKeyValue("restore_if_pending", knownvalue.Bool(true)),
				},
				Check: testAccCheckApplyCalls(m),
			},
			{
				// ABANDON is recorded: the final destroy leaves the key in NCloud.
				Config:  testAccKeyConfig(m, "state-only", ""),
				Destroy: true,
				Check:   testAccCheckMockKeyCount(m, 1),
			},
		},
	})
}
