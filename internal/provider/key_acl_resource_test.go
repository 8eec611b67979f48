package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// Tests of ncloudkms_key_acl. The CLI tests assert the exact calls of each apply: the order of the
// calls is what shows that no moment of a change denies every address.

const (
	cliACLAddress     = "ncloudkms_key_acl.this"
	testAccACLAddress = "ncloudkms_key_acl.test"
)

// aclBlock is an ACL named label on the key resource keyAddress; enabled "" leaves it unset.
func aclBlock(label, keyAddress, enabled string, ips ...string) string {
	quoted := make([]string, len(ips))
	for i, ip := range ips {
		quoted[i] = fmt.Sprintf("%q", ip)
	}
	line := ""
	if enabled != "" {
		line = "  enabled     = " + enabled + "\n"
	}
	return fmt.Sprintf(`
resource "ncloudkms_key_acl" %q {
  key_tag     = %s.key_tag
  allowed_ips = [%s]
%s}
`, label, keyAddress, strings.Join(quoted, ", "), line)
}

// cliACLConfig is the key ncloudkms_key.test with the ACL ncloudkms_key_acl.this.
func cliACLConfig(m *kmsmock.Server, enabled string, ips ...string) string {
	return testAccKeyConfig(m, "acl-key", "") + aclBlock("this", testAccKeyAddress, enabled, ips...)
}

// cliApplyACL applies config and returns the tag of ncloudkms_key.test.
func cliApplyACL(t *testing.T, wd *tfcli.Workdir, config string) string {
	t.Helper()
	wd.SetConfig(config)
	wd.Apply().RequireSuccess(t)
	return cliStateKeyTag(t, wd, testAccKeyAddress)
}

// requireMockACL checks the key's ACL in the mock.
func requireMockACL(t *testing.T, m *kmsmock.Server, tag string, enabled bool, ips ...string) {
	t.Helper()
	gotEnabled, gotIPs, err := m.ACL(tag)
	if err != nil {
		t.Fatalf("reading the mock's ACL: %v", err)
	}
	got, want := slices.Sorted(slices.Values(gotIPs)), slices.Sorted(slices.Values(ips))
	if gotEnabled != enabled || !slices.Equal(got, want) {
		t.Fatalf("mock ACL: enabled %v, allowed %q; want enabled %v, allowed %q", gotEnabled, got, enabled, want)
	}
}

func TestAccKeyACL_basic(t *testing.T) {
	m := testAccMock(t)
	config := testAccKeyConfig(m, "acl-basic", "") +
		aclBlock("test", testAccKeyAddress, "", "10.0.0.2", "10.0.0.1")
	var tag string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccACLAddress, plancheck.ResourceActionCreate)}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccACLAddress, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(testAccACLAddress, tfjsonpath.New("allowed_ips"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("10.0.0.1"), knownvalue.StringExact("10.0.0.2")})),
					statecheck.CompareValuePairs(testAccACLAddress, tfjsonpath.New("key_tag"), testAccKeyAddress, tfjsonpath.New("key_tag"), compare.ValuesSame()),
					statecheck.CompareValuePairs(testAccACLAddress, tfjsonpath.New("id"), testAccKeyAddress, tfjsonpath.New("key_tag"), compare.ValuesSame()),
				},
				Check: resource.ComposeTestCheckFunc(
					testAccCaptureKeyTag(&tag),
					// Create: one read, the addresses, then the switch.
					testAccCheckApplyCalls(m, "POST /keys", "GET /keys/{tag}",
						"GET /keys/{tag}/acl", "POST /keys/{tag}/acl", "POST /keys/{tag}/acl/enable"),
					func(*terraform.State) error { requireMockACL(t, m, tag, true, "10.0.0.1", "10.0.0.2"); return nil },
				),
			},
			{ResourceName: testAccACLAddress, ImportState: true, ImportStateVerify: true},
			{
				// Tags are case-insensitive; the state keeps them lower-case.
				ResourceName:      testAccACLAddress,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return strings.ToUpper(tag), nil },
			},
			{
				ResourceName:  testAccACLAddress,
				ImportState:   true,
				ImportStateId: "name/acl-basic",
				ExpectError:   errorText("Invalid import ID", `"name/acl-basic" is not a key tag`),
			},
			{
				// A configuration that matches the API plans nothing.
				PreConfig:        m.ResetJournal,
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// TestAccKeyACL_identity: the ACL's resource identity is its key tag, and an import block with
// identity = { key_tag = "..." } imports it (resource identity: Terraform 1.12+, OpenTofu 1.12+).
func TestAccKeyACL_identity(t *testing.T) {
	m := testAccMock(t)
	config := testAccKeyConfig(m, "acl-identity", "") + aclBlock("test", testAccKeyAddress, "false", "10.0.0.1")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		TerraformVersionChecks:   cliFeatureChecks(featureResourceIdentity),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(testAccACLAddress, map[string]knownvalue.Check{
						"key_tag": knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{64}$`)),
					}),
					statecheck.ExpectIdentityValueMatchesState(testAccACLAddress, tfjsonpath.New("key_tag")),
				},
			},
			{ResourceName: testAccACLAddress, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
		},
	})
}

// TestAccKeyACL_invalidAddress: addresses are checked at plan time, on the attribute, before any call.
func TestAccKeyACL_invalidAddress(t *testing.T) {
	m := testAccMock(t)
	const tag = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	config := func(ips string) string {
		return testAccProviderConfig(m) + fmt.Sprintf(`
resource "ncloudkms_key_acl" "test" {
  key_tag     = %q
  allowed_ips = [%s]
}
`, tag, ips)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: config(`"10.0.0.0/24"`), PlanOnly: true, ExpectError: errorText("Invalid IPv4 address", "no CIDR ranges")},
			{Config: config(`"10.0.0.1", "2001:db8::1"`), PlanOnly: true, ExpectError: errorText("Invalid IPv4 address", "is an IPv6 address")},
			{Config: config(`"10.0.0.01"`), PlanOnly: true, ExpectError: errorText("Invalid IPv4 address", "without leading zeros")},
			{Config: config(`null`), PlanOnly: true, ExpectError: errorText("Invalid IPv4 address", "allowed_ips holds a null value")},
			{
				Config: strings.Replace(config(`"10.0.0.1"`), tag, "not-a-tag", 1), PlanOnly: true,
				ExpectError: errorText("Invalid key tag", "ncloudkms_key.<name>.key_tag"),
			},
			{
				PreConfig: func() {
					if calls := journalCalls(m); len(calls) != 0 {
						t.Fatalf("invalid configurations reached the API: %q", calls)
					}
				},
				Config: testAccProviderConfig(m),
			},
		},
	})
}

// TestAccKeyACL_createNeverDeniesEveryAddress: on a new key (ACL off) the addresses come before the
// switch; on a key whose ACL was turned on in the console with another address, the new addresses
// are added before the old one goes, and the ACL is never off in between.
func TestAccKeyACL_createNeverDeniesEveryAddress(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	tag := cliApplyKey(t, wd, m, testAccKeyConfig(m, "acl-key", ""))

	wd.SetConfig(cliACLConfig(m, "", "10.0.0.1", "10.0.0.2"))
	apply := wd.Apply()
	apply.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, apply)
	requireCLIJournal(t, m,
		cliCall("GET", tag), // refresh of the key
		cliCall("GET", tag, "acl"), cliCall("POST", tag, "acl"), cliCall("POST", tag, "acl", "enable"))
	requireMockACL(t, m, tag, true, "10.0.0.1", "10.0.0.2")

	// The console replaces the ACL by one that lets only 10.0.0.9 in; Terraform forgets it.
	wd.StateRm(cliACLAddress).RequireSuccess(t)
	mustMock(t, m.RemoveAllowedIPs(tag, "10.0.0.1", "10.0.0.2"))
	mustMock(t, m.AddAllowedIPs(tag, "10.0.0.9"))
	m.ResetJournal()
	apply = wd.Apply()
	apply.RequireSuccess(t)
	requireCLIJournal(t, m,
		cliCall("GET", tag),
		cliCall("GET", tag, "acl"), cliCall("POST", tag, "acl"), cliCall("DELETE", tag, "acl"))
	requireMockACL(t, m, tag, true, "10.0.0.1", "10.0.0.2")
}

// TestAccKeyACL_changeJournal: [a, b] → [b, c] adds c before it removes a; turning the ACL off
// comes before the removals, and turning it on after the additions. The bodies show which
// addresses each call adds or removes.
func TestAccKeyACL_changeJournal(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd, rec := newTFWorkdirRecording(t)
	const a, b, c = "10.0.0.1", "10.0.0.2", "10.0.0.3"
	tag := cliApplyACL(t, wd, cliACLConfig(m, "", a, b))

	steps := []struct {
		name           string
		enabled        string
		ips            []string
		calls          []string // the apply's calls after the refresh of the key and of the ACL
		added, removed string   // the bodies of the add and remove calls, "" for none
	}{
		{"[a, b] to [b, c]", "", []string{b, c},
			[]string{cliCall("GET", tag, "acl"), cliCall("POST", tag, "acl"), cliCall("DELETE", tag, "acl")},
			`{"ipList":["10.0.0.3"]}`, `{"ipList":["10.0.0.1"]}`},
		{"off, [b]", "false", []string{b},
			[]string{cliCall("GET", tag, "acl"), cliCall("POST", tag, "acl", "disable"), cliCall("DELETE", tag, "acl")},
			"", `{"ipList":["10.0.0.3"]}`},
		{"on, [a]", "true", []string{a},
			[]string{cliCall("GET", tag, "acl"), cliCall("POST", tag, "acl"), cliCall("DELETE", tag, "acl"), cliCall("POST", tag, "acl", "enable")},
			`{"ipList":["10.0.0.1"]}`, `{"ipList":["10.0.0.2"]}`},
	}
	for _, step := range steps {
		m.ResetJournal()
		rec.Reset()
		wd.SetConfig(cliACLConfig(m, step.enabled, step.ips...))
		apply := wd.Apply()
		apply.RequireSuccess(t)
		tfcli.RequireDiagnostics(t, apply)
		requireCLIJournal(t, m, append([]string{cliCall("GET", tag), cliCall("GET", tag, "acl")}, step.calls...)...)
		requireMockACL(t, m, tag, step.enabled != "false", step.ips...)
		for method, want := range map[string]string{"POST": step.added, "DELETE": step.removed} {
			var got []string
			for _, ex := range rec.Exchanges(method, "/acl") {
				got = append(got, ex.Request)
			}
			if want == "" && len(got) != 0 || want != "" && !slices.Equal(got, []string{want}) {
				t.Errorf("%s: %s /acl bodies %q, want %q", step.name, method, got, want)
			}
		}
		t.Logf("journal of %s: %q; bodies: add %s, remove %s", step.name, journalCalls(m), step.added, step.removed)
	}
}

// TestAccKeyACL_denyAllWarning: a plan that leaves the ACL on with no address warns, naming the key;
// a plan that changes nothing, or leaves the ACL off, does not.
func TestAccKeyACL_denyAllWarning(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)

	wd.SetConfig(cliACLConfig(m, ""))
	plan := wd.Plan()
	plan.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, plan, tfcli.Warning(summaryKeyACLDeniesEveryAddress, cliACLAddress))
	tfcli.RequireDetail(t, plan, "warning", summaryKeyACLDeniesEveryAddress,
		"its key tag is known only at apply time", "set enabled = false")

	apply := wd.Apply()
	apply.RequireSuccess(t)
	tag := cliStateKeyTag(t, wd, testAccKeyAddress)
	requireMockACL(t, m, tag, true)

	plan = wd.Plan()
	plan.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, plan)

	wd.SetConfig(cliACLConfig(m, "false"))
	wd.Apply().RequireSuccess(t)
	requireMockACL(t, m, tag, false)

	wd.SetConfig(cliACLConfig(m, "true"))
	plan = wd.Plan()
	plan.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, plan, tfcli.Warning(summaryKeyACLDeniesEveryAddress, cliACLAddress))
	tfcli.RequireDetail(t, plan, "warning", summaryKeyACLDeniesEveryAddress, `"acl-key"`, tag, "to no address at all")
}

// TestAccKeyACL_drift: addresses added and the ACL turned off outside Terraform show as an update,
// which removes the addresses and turns the ACL on again.
func TestAccKeyACL_drift(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	tag := cliApplyACL(t, wd, cliACLConfig(m, "", "10.0.0.1"))

	mustMock(t, m.AddAllowedIPs(tag, "10.0.0.9"))
	mustMock(t, m.DisableACL(tag))
	plan := wd.Plan()
	plan.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, plan)
	plan.CheckPlan(t, plancheck.ExpectResourceAction(cliACLAddress, plancheck.ResourceActionUpdate))

	m.ResetJournal()
	apply := wd.Apply()
	apply.RequireSuccess(t)
	requireCLIJournal(t, m, cliCall("GET", tag), cliCall("GET", tag, "acl"),
		cliCall("GET", tag, "acl"), cliCall("DELETE", tag, "acl"), cliCall("POST", tag, "acl", "enable"))
	requireMockACL(t, m, tag, true, "10.0.0.1")
}

// TestAccKeyACL_keyDeletedOutside: an ACL whose key is gone leaves the state with a warning.
func TestAccKeyACL_keyDeletedOutside(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	tag := cliApplyACL(t, wd, cliACLConfig(m, "", "10.0.0.1"))
	mustMock(t, m.RequestDeletion(tag))
	mustMock(t, m.DeleteKey(tag))

	res := wd.Apply(tfexec.RefreshOnly(true))
	res.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, res, tfcli.Warning(summaryKeyDeletedOutside, testAccKeyAddress), tfcli.Warning(summaryKeyACLKeyGone, cliACLAddress))
	tfcli.RequireDetail(t, res, "warning", summaryKeyACLKeyGone, tag, "removed from the Terraform state")
	wd.CheckState(t, tfcli.ExpectNoResource(cliACLAddress))
}

// TestAccKeyACL_destroyedBeforeItsKey: destroying a key with its ACL and its token generator
// removes those first (Terraform's order: they depend on the key), the ACL off before its
// addresses go; the plan says what happens to the key and to its tokens.
func TestAccKeyACL_destroyedBeforeItsKey(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SetConfig(cliACLConfig(m, "", "10.0.0.1", "127.0.0.1") + generatorBlock("this", "ncloudkms_key.test.key_tag", ""))
	wd.Apply().RequireSuccess(t)
	tag := cliStateKeyTag(t, wd, testAccKeyAddress)
	set := issueTokenSet(t, m, tag)

	plan := wd.Plan(tfexec.Destroy(true))
	plan.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, plan, tfcli.Warning(summaryKeyWillBeDeleted, testAccKeyAddress),
		tfcli.Warning(summaryKeyTokensWillBeRevoked, cliGeneratorAddress))
	tfcli.RequireDetail(t, plan, "warning", summaryKeyTokensWillBeRevoked, `"acl-key"`, tag, "1 token", "resource is being destroyed")

	m.ResetJournal()
	destroy := wd.Destroy()
	destroy.RequireSuccess(t)
	calls := mutatingCalls(m)
	keyCalls := []string{cliCall("POST", tag, "request-deletion"), cliCall("DELETE", tag)}
	if len(calls) != 5 || !slices.Equal(calls[3:], keyCalls) {
		t.Fatalf("mutating calls of the destroy: %q; want the ACL's and the generator's, then %q", calls, keyCalls)
	}
	first := slices.Clone(calls[:3])
	disable, removal := slices.Index(first, cliCall("POST", tag, "acl", "disable")), slices.Index(first, cliCall("DELETE", tag, "acl"))
	generator := slices.Index(first, cliCall("DELETE", tag, "token-generator"))
	if disable < 0 || removal < disable || generator < 0 {
		t.Fatalf("mutating calls of the destroy: %q; want the ACL off, then its addresses removed, and the generator deleted", calls)
	}
	requireTokenRefused(t, m, tag, set.AccessToken)
	cliRequireMockGone(t, m, tag)
}
