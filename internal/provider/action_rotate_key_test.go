package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// The action ncloudkms_rotate_key: through -invoke and action_trigger, its plan-time refusals, and
// the client's rules for a rotation whose answer is lost.

const rotateNow = "action.ncloudkms_rotate_key.now"

// rotateNowBlock is the action rotateNow on the key tag expression tagExpr (HCL).
func rotateNowBlock(tagExpr string) string {
	return actionBlock("ncloudkms_rotate_key", "now", "    key_tag = "+tagExpr)
}

// rotatedProgress is the progress message of a rotation of a key from version 1 to version 2.
func rotatedProgress(name, tag string) string {
	return fmt.Sprintf(`Rotated key %q (key tag %s): version 2 is now current (it was version 1). `+
		"Earlier versions still decrypt what they encrypted.", name, tag)
}

func requireMockVersion(t *testing.T, m *kmsmock.Server, tag string, want int64) {
	t.Helper()
	key, ok := m.Key(tag)
	if !ok {
		t.Fatalf("key %s is gone from the mock", tag)
	}
	if key.CurrentVersion != want {
		t.Fatalf("key %s: current version %d in the mock, want %d", tag, key.CurrentVersion, want)
	}
}

// TestAccRotateKeyAction_invoke: apply -invoke reads the key at plan time, then reads it again and
// rotates it once, and says the new version. The key's resource then plans no change: refresh
// takes the new current version.
func TestAccRotateKeyAction_invoke(t *testing.T) {
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SkipWithout(featureActions)
	tag := cliApplyKey(t, wd, m, testAccKeyConfig(m, "rotated", "  disabled_versions = []")+rotateNowBlock("ncloudkms_key.test.key_tag"))

	res := wd.Invoke("apply", rotateNow)
	res.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, res)
	// The refresh of the key's resource, the plan's check, then the action's read and rotation.
	requireCLIJournal(t, m, cliCall("GET", tag), cliCall("GET", tag, "versions"), cliCall("GET", tag), cliCall("GET", tag),
		cliCall("POST", tag, "rotate"))
	requireActionProgress(t, res, rotatedProgress("rotated", tag))
	requireMockVersion(t, m, tag, 2)

	m.ResetJournal()
	plan := wd.Plan()
	plan.RequireSuccess(t)
	if plan.Changes {
		t.Fatalf("the plan after the rotation has changes:\n%s", plan.Stdout)
	}
	tfcli.RequireDiagnostics(t, plan)
	requireCLIJournal(t, m, cliCall("GET", tag), cliCall("GET", tag, "versions"))

	wd.Refresh().RequireSuccess(t)
	wd.CheckState(t, statecheck.ExpectKnownValue(testAccKeyAddress, tfjsonpath.New("current_version"), knownvalue.Int64Exact(2)))
}

// TestAccRotateKeyAction_planRefusals: plan -invoke refuses a key that cannot rotate, naming it and
// the reason, after one read and no call that changes anything; a malformed key tag is refused
// before any call.
func TestAccRotateKeyAction_planRefusals(t *testing.T) {
	const absentTag = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	for _, tc := range []struct {
		name    string
		setup   func(t *testing.T, m *kmsmock.Server) string // returns the key tag to configure
		summary string
		detail  func(tag string) []string
		reads   bool // the plan reads the key once
	}{
		{
			name: "disabled",
			setup: func(t *testing.T, m *kmsmock.Server) string {
				key := testAccMockKey(t, m, kmsmock.KeySpec{Name: "off-key"})
				mustMock(t, m.DisableKey(key.KeyTag))
				return key.KeyTag
			},
			summary: summaryKeyRotationNeedsEnabledKey,
			detail: func(tag string) []string {
				return []string{`Key "off-key" (key tag ` + tag + `) is DISABLE`, "rotates only an enabled (ENABLE) key",
					"Enable it first"}
			},
			reads: true,
		},
		{
			name:    "pendingDeletion",
			setup:   func(t *testing.T, m *kmsmock.Server) string { return testAccPendingMockKey(t, m, "gone-key").KeyTag },
			summary: summaryKeyRotationNeedsEnabledKey,
			detail: func(tag string) []string {
				return []string{`Key "gone-key" (key tag ` + tag + `) is REVOKE`, "It is pending deletion",
					"ncloudkms_cancel_key_deletion with enable = true"}
			},
			reads: true,
		},
		{
			name:    "absent",
			setup:   func(*testing.T, *kmsmock.Server) string { return absentTag },
			summary: summaryKeyNotFound,
			detail: func(tag string) []string {
				return []string{"could not read the key tagged " + tag + " to check that it can be rotated",
					`no KMS key has the key tag "` + tag + `"`, "code NOT_FOUND"}
			},
			reads: true,
		},
		{
			name:    "malformedTag",
			setup:   func(*testing.T, *kmsmock.Server) string { return "not-a-tag" },
			summary: "Invalid key tag",
			detail: func(string) []string {
				return []string{`key_tag = "not-a-tag" is not a key tag`, "ncloudkms_key.<name>.key_tag"}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := testAccMock(t)
			wd := newTFWorkdir(t)
			wd.SkipWithout(featureActions)
			tag := tc.setup(t, m)
			before := m.Keys()
			wd.SetConfig(testAccProviderConfig(m) + rotateNowBlock(fmt.Sprintf("%q", tag)))

			var reads []string
			if tc.reads {
				reads = []string{cliCall("GET", tag)}
			}
			requireInvokeRefused(t, wd, m, rotateNow, tc.summary, tc.detail(tag), reads)
			if after := m.Keys(); !slices.EqualFunc(before, after, func(a, b kmsmock.Key) bool {
				return a.KeyTag == b.KeyTag && a.Status == b.Status && a.CurrentVersion == b.CurrentVersion
			}) {
				t.Fatalf("the mock's keys changed:\n  before %+v\n  after  %+v", before, after)
			}
		})
	}
}

// TestAccRotateKeyAction_afterReleaseChanges: a terraform_data "release" rotates the key when it is
// created and whenever it changes (action_trigger on after_create and after_update). On the first
// apply the key tag is unknown at plan time, so the action checks the key only when it runs. After
// each apply, terraform-plugin-testing's plan of the same configuration is empty: the key's
// resource takes the rotated version from refresh.
func TestAccRotateKeyAction_afterReleaseChanges(t *testing.T) {
	m := testAccMock(t)
	config := func(release string) string {
		return testAccKeyConfig(m, "released", "") +
			triggeringData("release", release, "after_create, after_update", "action.ncloudkms_rotate_key.on_release") +
			actionBlock("ncloudkms_rotate_key", "on_release", "    key_tag = ncloudkms_key.test.key_tag")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		TerraformVersionChecks:   cliFeatureChecks(featureActions),
		Steps: []resource.TestStep{
			{
				Config: config("v1"),
				Check: resource.ComposeTestCheckFunc(
					// the create's read, then the action's
					testAccCheckApplyCalls(m, "POST /keys", "GET /keys/{tag}", "GET /keys/{tag}", "POST /keys/{tag}/rotate"),
					testAccCheckMockVersion(m, 2),
				),
			},
			{
				PreConfig: m.ResetJournal,
				Config:    config("v2"),
				Check: resource.ComposeTestCheckFunc(
					testAccCheckApplyCalls(m, "POST /keys/{tag}/rotate"),
					testAccCheckMockVersion(m, 3),
				),
			},
			{
				// The action does not write the key's state; the next refresh takes the version it made.
				RefreshState: true,
				Check:        resource.TestCheckResourceAttr(testAccKeyAddress, "current_version", "3"),
			},
		},
	})
}

// testAccCheckMockVersion asserts the current version of the key in state, in the mock.
func testAccCheckMockVersion(m *kmsmock.Server, want int64) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		tag, err := stateKeyTag(s)
		if err != nil {
			return err
		}
		key, ok := m.Key(tag)
		if !ok || key.CurrentVersion != want {
			return fmt.Errorf("key %s: %+v in the mock, want current version %d", tag, key, want)
		}
		return nil
	}
}

// TestAccRotateKeyAction_beforeDestroy: a before_destroy trigger (Terraform 1.16) rotates a key that
// the configuration does not manage when the triggering resource is destroyed: the destroy plan
// checks the key, the destroy rotates it, and the key stays.
func TestAccRotateKeyAction_beforeDestroy(t *testing.T) {
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SkipWithout(featureActionDestroyEvents)
	key := testAccMockKey(t, m, kmsmock.KeySpec{Name: "outside"})
	wd.SetConfig(testAccProviderConfig(m) + triggeringData("service", "v1", "before_destroy", rotateNow) +
		rotateNowBlock(fmt.Sprintf("%q", key.KeyTag)))
	apply := wd.Apply()
	apply.RequireSuccess(t)
	requireActionProgress(t, apply)
	requireCLIJournal(t, m)

	destroy := wd.Destroy()
	destroy.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, destroy)
	requireCLIJournal(t, m, cliCall("GET", key.KeyTag), cliCall("GET", key.KeyTag), cliCall("POST", key.KeyTag, "rotate"))
	requireActionProgress(t, destroy, rotatedProgress("outside", key.KeyTag))
	cliRequireMockStatus(t, m, key.KeyTag, kmsapi.StatusEnable)
	requireMockVersion(t, m, key.KeyTag, 2)
}

// invokeRotateWithFault runs apply -invoke of rotateNow on key, under providerConfig, with the fault
// injected.
func invokeRotateWithFault(t *testing.T, m *kmsmock.Server, providerConfig string, key kmsmock.Key, fault kmsmock.Fault) tfcli.Result {
	t.Helper()
	wd := newTFWorkdir(t)
	wd.SkipWithout(featureActions)
	wd.SetConfig(providerConfig + rotateNowBlock(fmt.Sprintf("%q", key.KeyTag)))
	m.InjectFault(fault)
	return wd.Invoke("apply", rotateNow)
}

// TestAccRotateKeyAction_lostAnswer: when the connection drops after NCloud rotated the key, the
// client reads the versions instead of rotating again (DESIGN.md §4): one rotation, and the action
// reports it.
func TestAccRotateKeyAction_lostAnswer(t *testing.T) {
	m := testAccMock(t)
	key := testAccMockKey(t, m, kmsmock.KeySpec{Name: "dropped"})
	res := invokeRotateWithFault(t, m, testAccProviderConfig(m), key, kmsmock.Fault{Method: "POST", PathSuffix: "/rotate", Drop: true})
	res.RequireSuccess(t)
	requireCLIJournal(t, m, cliCall("GET", key.KeyTag), cliCall("GET", key.KeyTag), cliCall("POST", key.KeyTag, "rotate"),
		cliCall("GET", key.KeyTag, "versions"))
	requireActionProgress(t, res, rotatedProgress("dropped", key.KeyTag))
	requireMockVersion(t, m, key.KeyTag, 2)
}

// TestAccRotateKeyAction_apiError: a refused rotation is an error worded as the provider's others:
// what could not be done, then the API's code, message and request id.
func TestAccRotateKeyAction_apiError(t *testing.T) {
	m := testAccMock(t)
	key := testAccMockKey(t, m, kmsmock.KeySpec{Name: "refused"})
	res := invokeRotateWithFault(t, m, cliProviderConfigNoRetries(m), key, kmsmock.Fault{Method: "POST", PathSuffix: "/rotate", Status: 409})
	res.RequireFailure(t)
	tfcli.RequireDiagnostics(t, res, tfcli.Error(summaryKeyRotationFailed, rotateNow))
	tfcli.RequireDetail(t, res, "error", summaryKeyRotationFailed,
		fmt.Sprintf(`Key "refused" (key tag %s) could not be rotated. API answer to POST /kms/v1/keys/%s/rotate (HTTP 409`,
			key.KeyTag, key.KeyTag))
	if d := res.Find("error", summaryKeyRotationFailed); !regexpAPITail.MatchString(d.Detail) {
		t.Fatalf("the detail does not end with the API's code, message and request id:\n%s", d.Detail)
	}
	requireActionProgress(t, res)
	requireCLIJournal(t, m, cliCall("GET", key.KeyTag), cliCall("GET", key.KeyTag), cliCall("POST", key.KeyTag, "rotate"))
	requireMockVersion(t, m, key.KeyTag, 1)
}

// TestRotateKeyAction_requireRotatable: only an ENABLE key rotates; the error names the key, its
// status and what to do about it.
func TestRotateKeyAction_requireRotatable(t *testing.T) {
	for _, tc := range []struct {
		status string
		ok     bool
		advice string
	}{
		{kmsapi.StatusEnable, true, ""},
		{kmsapi.StatusDisable, false, "Enable it first"},
		{kmsapi.StatusRevoke, false, "cancel the deletion first"},
	} {
		key := &kmsapi.Key{KeyTag: strings.Repeat("a", 64), KeyName: "k1", Status: tc.status}
		var diags diag.Diagnostics
		if got := requireRotatable(&diags, key); got != tc.ok {
			t.Errorf("%s: requireRotatable = %v, want %v", tc.status, got, tc.ok)
		}
		if tc.ok {
			if diags.HasError() {
				t.Errorf("%s: unexpected diagnostics %v", tc.status, diags)
			}
			continue
		}
		if len(diags) != 1 || diags[0].Summary() != summaryKeyRotationNeedsEnabledKey ||
			!regexp.MustCompile(`Key "k1" \(key tag a{64}\) is `+tc.status+`.*`+tc.advice).MatchString(diags[0].Detail()) {
			t.Errorf("%s: diagnostics %v", tc.status, diags)
		}
	}
}
