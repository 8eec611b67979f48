package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// Versions of a key: rotation_triggers, disabled_versions and the ncloudkms_key_versions data source.

// testAccKeyVersionsConfig is one key with the given rotation trigger value and disabled versions
// (HCL, "" to leave them unset), and the versions data source reading it.
func testAccKeyVersionsConfig(m *kmsmock.Server, trigger, disabled, extra string) string {
	var lines []string
	if trigger != "" {
		lines = append(lines, fmt.Sprintf("  rotation_triggers = { secret_leaked = %q }", trigger))
	}
	if disabled != "" {
		lines = append(lines, "  disabled_versions = "+disabled)
	}
	if extra != "" {
		lines = append(lines, extra)
	}
	return testAccKeyConfig(m, "versioned", strings.Join(lines, "\n")) + `
data "ncloudkms_key_versions" "this" {
  key_tag = ncloudkms_key.test.key_tag
}
`
}

// versionCalls are the journal's rotate and version calls, with the tag replaced by {tag}.
func versionCalls(m *kmsmock.Server) []string {
	var out []string
	for _, c := range journalCalls(m) {
		if strings.HasSuffix(c, "/rotate") || strings.Contains(c, "/versions") {
			out = append(out, c)
		}
	}
	return out
}

func testAccCheckVersionCalls(m *kmsmock.Server, want ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		tag, err := stateKeyTag(s)
		if err != nil {
			return err
		}
		if got := versionCalls(m); !slices.Equal(got, expandTag(tag, want)) {
			return fmt.Errorf("rotate and version calls %q, want %q", got, expandTag(tag, want))
		}
		return nil
	}
}

func expectVersions(enabled ...bool) statecheck.StateCheck {
	var versions []knownvalue.Check
	for i, e := range enabled {
		versions = append(versions, knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"version": knownvalue.Int64Exact(int64(i + 1)),
			"enabled": knownvalue.Bool(e),
		}))
	}
	return statecheck.ExpectKnownValue("data.ncloudkms_key_versions.this", tfjsonpath.New("versions"), knownvalue.ListExact(versions))
}

// TestAccKeyResource_rotationTriggers: setting the triggers records them; each change rotates the
// key once, in place, with current_version unknown in the plan; an unchanged plan does nothing.
func TestAccKeyResource_rotationTriggers(t *testing.T) {
	m := testAccMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				PreConfig: m.ResetJournal,
				Config:    testAccKeyVersionsConfig(m, "2026-01", "", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					expectKeyValue("current_version", knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue("data.ncloudkms_key_versions.this", tfjsonpath.New("current_version"), knownvalue.Int64Exact(1)),
					expectVersions(true),
				},
				Check: testAccCheckVersionCalls(m, "GET /keys/{tag}/versions"), // the data source
			},
			{
				PreConfig: m.ResetJournal,
				Config:    testAccKeyVersionsConfig(m, "2026-02", "", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccKeyAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(testAccKeyAddress, tfjsonpath.New("current_version")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectKeyValue("current_version", knownvalue.Int64Exact(2)),
					expectVersions(true, true),
				},
				Check: testAccCheckVersionCalls(m, "POST /keys/{tag}/rotate", "GET /keys/{tag}/versions"),
			},
			{
				Config: testAccKeyVersionsConfig(m, "2026-02", "", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccKeyAddress, plancheck.ResourceActionNoop),
				}},
			},
			{
				// Removing the triggers rotates nothing.
				PreConfig: m.ResetJournal,
				Config:    testAccKeyVersionsConfig(m, "", "", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					expectKeyValue("current_version", knownvalue.Int64Exact(2)),
				},
				Check: testAccCheckVersionCalls(m, "GET /keys/{tag}/versions"),
			},
		},
	})
}

// TestAccKeyResource_rotationTriggersNeedEnabledKey: a rotation of a key that stays disabled is
// refused at plan time, on the attribute, with no call.
func TestAccKeyResource_rotationTriggersNeedEnabledKey(t *testing.T) {
	m := testAccMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: testAccKeyVersionsConfig(m, "a", "", "  enabled = false")},
			{
				PreConfig:   m.ResetJournal,
				Config:      testAccKeyVersionsConfig(m, "b", "", "  enabled = false"),
				ExpectError: errorText("Key rotation needs an enabled key", "rotates only an enabled key"),
			},
			{
				PreConfig: func() { requireNoMutatingCalls(t, m) },
				// Enabling it in the same apply rotates it.
				Config:            testAccKeyVersionsConfig(m, "b", "", ""),
				ConfigStateChecks: []statecheck.StateCheck{expectKeyValue("current_version", knownvalue.Int64Exact(2))},
			},
		},
	})
}

// TestAccKeyResource_disabledVersions: versions are disabled and enabled in place, and refused at
// plan time when current, absent, or while the key stays disabled; drift shows as an update.
func TestAccKeyResource_disabledVersions(t *testing.T) {
	m := testAccMock(t)
	var tag string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: testAccKeyVersionsConfig(m, "1", "[]", ""), Check: testAccCaptureKeyTag(&tag)},
			{Config: testAccKeyVersionsConfig(m, "2", "[]", "")},
			{Config: testAccKeyVersionsConfig(m, "3", "[]", ""), ConfigStateChecks: []statecheck.StateCheck{expectVersions(true, true, true)}},
			{
				PreConfig: m.ResetJournal,
				Config:    testAccKeyVersionsConfig(m, "3", "[1, 2]", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					expectVersions(false, false, true),
					expectKeyValue("disabled_versions", knownvalue.SetExact([]knownvalue.Check{knownvalue.Int64Exact(1), knownvalue.Int64Exact(2)})),
				},
				// The refresh before reads the versions once; then version 1, version 2.
				Check: testAccCheckVersionCalls(m, "GET /keys/{tag}/versions",
					"POST /keys/{tag}/versions/1/disable", "POST /keys/{tag}/versions/2/disable", "GET /keys/{tag}/versions"),
			},
			{
				PreConfig:         m.ResetJournal,
				Config:            testAccKeyVersionsConfig(m, "3", "[2]", ""),
				ConfigStateChecks: []statecheck.StateCheck{expectVersions(true, false, true)},
				Check: testAccCheckVersionCalls(m, "GET /keys/{tag}/versions",
					"POST /keys/{tag}/versions/1/enable", "GET /keys/{tag}/versions"),
			},
			{
				PreConfig:   m.ResetJournal,
				Config:      testAccKeyVersionsConfig(m, "3", "[2, 3]", ""),
				ExpectError: errorText("Current key version cannot be disabled", "version 3, the current version"),
			},
			{
				Config:      testAccKeyVersionsConfig(m, "3", "[2, 7]", ""),
				ExpectError: errorText("Key version does not exist", "version 7", "versions 1 to 3"),
			},
			{Config: testAccKeyVersionsConfig(m, "3", "[2]", "  enabled = false")},
			{
				Config:      testAccKeyVersionsConfig(m, "3", "[]", "  enabled = false"),
				ExpectError: errorText("Key versions cannot change while the key is disabled"),
			},
			{
				// Someone enables version 2 outside Terraform: the plan disables it again.
				PreConfig: func() {
					mustMock(t, m.EnableKey(tag))
					mustMock(t, m.EnableKeyVersion(tag, 2))
					m.ResetJournal()
				},
				Config: testAccKeyVersionsConfig(m, "3", "[2]", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccKeyAddress, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectVersions(true, false, true)},
			},
		},
	})
}

// TestAccKeyResource_disabledVersionsUnset: removing disabled_versions from the configuration stops
// managing version states and leaves them as they are: the plan updates only the attribute, with no
// diagnostic, the apply makes no call, the version stays disabled, and the next plan is empty.
func TestAccKeyResource_disabledVersionsUnset(t *testing.T) {
	m := testAccMock(t)
	var tag string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: testAccKeyVersionsConfig(m, "1", "[]", ""), Check: testAccCaptureKeyTag(&tag)},
			{
				Config:            testAccKeyVersionsConfig(m, "2", "[1]", ""),
				ConfigStateChecks: []statecheck.StateCheck{expectVersions(false, true)},
			},
			{
				PreConfig: m.ResetJournal,
				Config:    testAccKeyVersionsConfig(m, "2", "", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccKeyAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(testAccKeyAddress, tfjsonpath.New("disabled_versions"), knownvalue.Null()),
					plancheck.ExpectKnownValue(testAccKeyAddress, tfjsonpath.New("current_version"), knownvalue.Int64Exact(2)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectKeyValue("disabled_versions", knownvalue.Null()),
					expectVersions(false, true), // version 1 is still disabled
				},
				Check: testAccCheckApplyCalls(m), // no call that changes anything
			},
			{
				Config: testAccKeyVersionsConfig(m, "2", "", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccKeyAddress, plancheck.ResourceActionNoop),
				}},
			},
		},
	})
}

// TestAccKeyResource_disabledVersionsWarning: a plan that disables a version warns, on the
// resource's address, that data under it cannot be decrypted until it is enabled again.
func TestAccKeyResource_disabledVersionsWarning(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	config := func(trigger, disabled string) string {
		return testAccKeyConfig(m, "ver-warn", fmt.Sprintf("  rotation_triggers = { t = %q }\n  disabled_versions = %s", trigger, disabled))
	}
	tag := cliApplyKey(t, wd, m, config("1", "[]"))
	wd.SetConfig(config("2", "[]"))
	wd.Apply().RequireSuccess(t)

	wd.SetConfig(config("2", "[1]"))
	plan := wd.Plan()
	plan.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, plan, tfcli.Warning(summaryKeyVersionWillBeDisabled, testAccKeyAddress))
	tfcli.RequireDetail(t, plan, "warning", summaryKeyVersionWillBeDisabled, "version 1 of key", tag, "cannot be decrypted")
	m.ResetJournal()
	wd.Apply().RequireSuccess(t)
	if got := mutatingCalls(m); !slices.Equal(got, []string{cliCall("POST", tag, "versions", "1", "disable")}) {
		t.Fatalf("mutating calls %q, want the disable of version 1", got)
	}
	if versions, _ := m.KeyVersions(tag); versions[0].Status != kmsapi.StatusDisable {
		t.Fatalf("version 1 is %s in the mock, want DISABLE", versions[0].Status)
	}
}

// TestAccKeyResource_refreshReadsVersionsOnlyWhenManaged: a refresh reads the version list only of
// the keys that set disabled_versions, so a plain refresh stays at one call per key.
func TestAccKeyResource_refreshReadsVersionsOnlyWhenManaged(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SetConfig(testAccProviderConfig(m) + testAccKeyBlock("plain", "ver-plain", "") +
		testAccKeyBlock("managed", "ver-managed", "  disabled_versions = []"))
	wd.Apply().RequireSuccess(t)
	managed := cliStateKeyTag(t, wd, "ncloudkms_key.managed")
	m.ResetJournal()
	wd.Refresh().RequireSuccess(t)
	var versionReads []string
	for _, c := range journalCalls(m) {
		if strings.HasSuffix(c, "/versions") {
			versionReads = append(versionReads, c)
		}
	}
	if want := []string{cliCall("GET", managed, "versions")}; !slices.Equal(versionReads, want) {
		t.Fatalf("version reads %q, want only %q", versionReads, want)
	}
}
