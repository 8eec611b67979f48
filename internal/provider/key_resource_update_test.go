package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

// keyUpdateStep is one in-place update: the plan is an update, the tag stays, and the apply makes
// exactly the expected calls ({tag} is the key's tag) and no GET.
func keyUpdateStep(m *kmsmock.Server, sameTag statecheck.StateCheck, config string, calls []string, checks ...statecheck.StateCheck) resource.TestStep {
	return resource.TestStep{
		PreConfig:         m.ResetJournal,
		Config:            config,
		ConfigPlanChecks:  expectKeyAction(plancheck.ResourceActionUpdate),
		ConfigStateChecks: append([]statecheck.StateCheck{sameTag}, checks...),
		Check:             testAccCheckApplyCalls(m, calls...),
	}
}

func TestAccKeyResource_rename(t *testing.T) {
	m := testAccMock(t)
	sameTag := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config:            testAccKeyConfig(m, "before", ""),
				ConfigStateChecks: []statecheck.StateCheck{sameTag.AddStateValue(testAccKeyAddress, tfjsonpath.New("id"))},
			},
			keyUpdateStep(m, sameTag.AddStateValue(testAccKeyAddress, tfjsonpath.New("id")),
				testAccKeyConfig(m, "after", ""),
				[]string{"PUT /keys/{tag}/name"},
				expectKeyValue("name", knownvalue.StringExact("after"))),
		},
	})
}

func TestAccKeyResource_memo(t *testing.T) {
	m := testAccMock(t)
	sameTag := statecheck.CompareValue(compare.ValuesSame())
	id := func() statecheck.StateCheck { return sameTag.AddStateValue(testAccKeyAddress, tfjsonpath.New("id")) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: testAccKeyConfig(m, "memo-key", ""), ConfigStateChecks: []statecheck.StateCheck{id()}},
			keyUpdateStep(m, id(), testAccKeyConfig(m, "memo-key", keySettings("first memo", 0, true)),
				[]string{"PUT /keys/{tag}/memo"}, expectKeyValue("memo", knownvalue.StringExact("first memo"))),
			// Removing memo from the configuration clears it (default "").
			keyUpdateStep(m, id(), testAccKeyConfig(m, "memo-key", ""),
				[]string{"PUT /keys/{tag}/memo"}, expectKeyValue("memo", knownvalue.StringExact(""))),
		},
	})
}

func TestAccKeyResource_rotation(t *testing.T) {
	m := testAccMock(t)
	sameTag := statecheck.CompareValue(compare.ValuesSame())
	id := func() statecheck.StateCheck { return sameTag.AddStateValue(testAccKeyAddress, tfjsonpath.New("id")) }
	rotation := func(days int64) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			expectKeyValue("rotation_period_days", knownvalue.Int64Exact(days)),
			expectKeyValue("next_rotation_at", knownvalue.StringRegexp(rfc3339Regexp)),
		}
	}
	config := func(days int) string { return testAccKeyConfig(m, "rotating", keySettings("", days, true)) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: config(0), ConfigStateChecks: []statecheck.StateCheck{id()}},
			// On: NCloud turns rotation on with its last period (90 days), then the period is set.
			keyUpdateStep(m, id(), config(30),
				[]string{"POST /keys/{tag}/enable-auto-rotation", "PUT /keys/{tag}/rotation-period"}, rotation(30)...),
			keyUpdateStep(m, id(), config(90), []string{"PUT /keys/{tag}/rotation-period"}, rotation(90)...),
			keyUpdateStep(m, id(), config(0), []string{"POST /keys/{tag}/disable-auto-rotation"},
				expectKeyValue("rotation_period_days", knownvalue.Null()),
				expectKeyValue("next_rotation_at", knownvalue.Null())),
			// On again with the period NCloud kept: no rotation-period call.
			keyUpdateStep(m, id(), config(90), []string{"POST /keys/{tag}/enable-auto-rotation"}, rotation(90)...),
		},
	})
}

func TestAccKeyResource_enabled(t *testing.T) {
	m := testAccMock(t)
	sameTag := statecheck.CompareValue(compare.ValuesSame())
	id := func() statecheck.StateCheck { return sameTag.AddStateValue(testAccKeyAddress, tfjsonpath.New("id")) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: testAccKeyConfig(m, "toggled", ""), ConfigStateChecks: []statecheck.StateCheck{id()}},
			keyUpdateStep(m, id(), testAccKeyConfig(m, "toggled", keySettings("", 0, false)),
				[]string{"POST /keys/{tag}/disable"},
				expectKeyValue("enabled", knownvalue.Bool(false)), expectKeyValue("status", knownvalue.StringExact("DISABLE"))),
			keyUpdateStep(m, id(), testAccKeyConfig(m, "toggled", keySettings("", 0, true)),
				[]string{"POST /keys/{tag}/enable"},
				expectKeyValue("enabled", knownvalue.Bool(true)), expectKeyValue("status", knownvalue.StringExact("ENABLE"))),
		},
	})
}

// TestAccKeyResource_enabledAndRotation checks the order of status and rotation calls: rotation calls
// need an enabled key, so enable comes first and disable comes last.
func TestAccKeyResource_enabledAndRotation(t *testing.T) {
	m := testAccMock(t)
	sameTag := statecheck.CompareValue(compare.ValuesSame())
	id := func() statecheck.StateCheck { return sameTag.AddStateValue(testAccKeyAddress, tfjsonpath.New("id")) }
	config := func(days int, enabled bool) string {
		return testAccKeyConfig(m, "ordered", keySettings("", days, enabled))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: config(0, false), ConfigStateChecks: []statecheck.StateCheck{id()}},
			keyUpdateStep(m, id(), config(30, true),
				[]string{"POST /keys/{tag}/enable", "POST /keys/{tag}/enable-auto-rotation", "PUT /keys/{tag}/rotation-period"},
				expectKeyValue("status", knownvalue.StringExact("ENABLE")), expectKeyValue("rotation_period_days", knownvalue.Int64Exact(30))),
			keyUpdateStep(m, id(), config(60, false),
				[]string{"PUT /keys/{tag}/rotation-period", "POST /keys/{tag}/disable"},
				expectKeyValue("status", knownvalue.StringExact("DISABLE")), expectKeyValue("rotation_period_days", knownvalue.Int64Exact(60))),
			// Turning rotation off works on a disabled key, so it may happen while the key stays disabled.
			keyUpdateStep(m, id(), config(0, false),
				[]string{"POST /keys/{tag}/disable-auto-rotation"},
				expectKeyValue("status", knownvalue.StringExact("DISABLE")), expectKeyValue("rotation_period_days", knownvalue.Null())),
		},
	})
}

// TestAccKeyResource_updateEverything changes every in-place attribute at once, in both directions.
func TestAccKeyResource_updateEverything(t *testing.T) {
	m := testAccMock(t)
	sameTag := statecheck.CompareValue(compare.ValuesSame())
	id := func() statecheck.StateCheck { return sameTag.AddStateValue(testAccKeyAddress, tfjsonpath.New("id")) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: testAccKeyConfig(m, "every-a", keySettings("", 0, false)), ConfigStateChecks: []statecheck.StateCheck{id()}},
			keyUpdateStep(m, id(), testAccKeyConfig(m, "every-b", keySettings("memo b", 45, true)),
				[]string{"POST /keys/{tag}/enable", "PUT /keys/{tag}/name", "PUT /keys/{tag}/memo",
					"POST /keys/{tag}/enable-auto-rotation", "PUT /keys/{tag}/rotation-period"}),
			keyUpdateStep(m, id(), testAccKeyConfig(m, "every-c", keySettings("memo c", 0, false)),
				[]string{"PUT /keys/{tag}/name", "PUT /keys/{tag}/memo", "POST /keys/{tag}/disable-auto-rotation", "POST /keys/{tag}/disable"}),
		},
	})
}

// TestAccKeyResource_rotationOnDisabledKey: NCloud changes rotation only on an enabled key, so a
// plan that changes it on a key that stays disabled fails, on rotation_period_days.
func TestAccKeyResource_rotationOnDisabledKey(t *testing.T) {
	m := testAccMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: testAccKeyConfig(m, "sleeping", keySettings("", 0, false))},
			{
				PreConfig:   m.ResetJournal,
				Config:      testAccKeyConfig(m, "sleeping", keySettings("", 30, false)),
				ExpectError: errorText("Automatic rotation needs an enabled key", "rotation_period_days = 30", "Set enabled = true"),
			},
			{
				PreConfig: func() { requireNoMutatingCalls(t, m) },
				Config:    testAccKeyConfig(m, "sleeping", keySettings("", 0, false)),
				PlanOnly:  true,
			},
		},
	})
}
