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

// TestAccKeyResource_invalidAttributes: every bad value fails at plan time, on its attribute, and no
// call reaches the API.
func TestAccKeyResource_invalidAttributes(t *testing.T) {
	m := testAccMock(t)
	cases := []struct {
		name, keyType, arguments string
		want                     []string
	}{
		{name: "ab", keyType: "AES256", want: []string{"Invalid key name", `"ab" is 2 characters long; it must be 3 to 15`}},
		{name: "a234567890123456", keyType: "AES256", want: []string{"Invalid key name", "must be 3 to 15 characters long"}},
		{name: "1key", keyType: "AES256", want: []string{"Invalid key name", "must start with a letter"}},
		{name: "my.key", keyType: "AES256", want: []string{"Invalid key name", "contains '.'; only letters, digits"}},
		{name: "ok-key", keyType: "AES128", want: []string{"Invalid Attribute Value Match", "type", "AES256", "RSA2048", "ECDSA"}},
		{name: "ok-key", keyType: "AES256", arguments: `protection_type = "HSM"`, want: []string{"protection_type", "BASIC", "COMMON_HSM"}},
		{name: "ok-key", keyType: "AES256", arguments: `memo = "` + strings.Repeat("x", 101) + `"`, want: []string{"memo", "at most 100"}},
		{name: "ok-key", keyType: "RSA2048", arguments: `convergent = true`, want: []string{"Convergent encryption needs an AES256 key", "convergent = true", "only allowed with type = \"AES256\""}},
		{name: "ok-key", keyType: "AES256", arguments: `rotation_period_days = 0`, want: []string{"rotation_period_days", "between 1 and 730"}},
		{name: "ok-key", keyType: "AES256", arguments: `rotation_period_days = 731`, want: []string{"rotation_period_days", "between 1 and 730"}},
		{name: "ok-key", keyType: "AES256", arguments: `deletion_policy = "DESTROY"`, want: []string{"deletion_policy", "DELETE", "SCHEDULE", "ABANDON"}},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      testAccKeyConfig(m, c.name, keyTypeArgument(c.keyType)+"  "+c.arguments),
			ExpectError: errorText(c.want...),
		})
	}
	steps = append(steps, resource.TestStep{
		PreConfig:          func() { requireNoMutatingCalls(t, m) },
		Config:             testAccKeyConfig(m, "ok-key", ""),
		PlanOnly:           true,
		ExpectNonEmptyPlan: true,
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps:                    steps,
	})
}

// TestAccKeyResource_replace: type, protection_type and convergent cannot change in place.
func TestAccKeyResource_replace(t *testing.T) {
	m := testAccMock(t)
	newTag := statecheck.CompareValue(compare.ValuesDiffer())
	id := func() statecheck.StateCheck { return newTag.AddStateValue(testAccKeyAddress, tfjsonpath.New("id")) }
	replaceStep := func(keyType, arguments string, checks ...statecheck.StateCheck) resource.TestStep {
		return resource.TestStep{
			Config:            testAccKeyConfig(m, "replaced", keyTypeArgument(keyType)+arguments),
			ConfigPlanChecks:  expectKeyAction(plancheck.ResourceActionDestroyBeforeCreate),
			ConfigStateChecks: append([]statecheck.StateCheck{id()}, checks...),
			// The old key is deleted (deletion_policy DELETE), so nothing is left behind.
			Check: testAccCheckMockKeyCount(m, 1),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: testAccKeyConfig(m, "replaced", ""), ConfigStateChecks: []statecheck.StateCheck{id()}},
			replaceStep("AES256", `  convergent = true`, expectKeyValue("convergent", knownvalue.Bool(true))),
			replaceStep("AES256", "  convergent = true\n  protection_type = \"COMMON_HSM\"",
				expectKeyValue("protection_type", knownvalue.StringExact("COMMON_HSM"))),
			replaceStep("ECDSA", `  protection_type = "COMMON_HSM"`, expectKeyValue("type", knownvalue.StringExact("ECDSA"))),
		},
	})
}
