package provider

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// Tests of the ephemeral resource ncloudkms_key_tokens (Terraform 1.10+). The echo provider of
// terraform-plugin-testing copies the ephemeral value into a state of its own, which is the only
// way a test can hold the tokens Terraform got; the hygiene test records every token the mock
// issues and looks for each in the state, the saved plan and Terraform's output.

// tokensConfig is a key, its generator (regenerate_triggers = { version = version }) and a token set
// of it, with extra configuration.
func tokensConfig(m *kmsmock.Server, keyName, version, tokenArguments, extra string) string {
	return testAccProviderConfig(m) + testAccKeyBlock("test", keyName, "") +
		generatorBlock("this", "ncloudkms_key.test.key_tag", fmt.Sprintf("  regenerate_triggers = { version = %q }", version)) +
		fmt.Sprintf(`
ephemeral "ncloudkms_key_tokens" "this" {
  key_tag = ncloudkms_key_token_generator.this.id
%s
}
`, tokenArguments) + extra
}

// tokensCheck reads the tokens in a check block, so that Terraform opens the ephemeral resource in
// every plan and apply.
const tokensCheck = `
check "tokens" {
  assert {
    condition     = length(ephemeral.ncloudkms_key_tokens.this.access_token) > 0 && length(ephemeral.ncloudkms_key_tokens.this.refresh_token) > 0
    error_message = "no tokens"
  }
}
`

// echoedTokens reads the tokens an echo resource holds.
func echoedTokens(s *terraform.State, address string) (access, refresh string, err error) {
	rs, ok := s.RootModule().Resources[address]
	if !ok {
		return "", "", fmt.Errorf("%s is not in the state", address)
	}
	access, refresh = rs.Primary.Attributes["data.access_token"], rs.Primary.Attributes["data.refresh_token"]
	if access == "" || refresh == "" {
		return "", "", fmt.Errorf("%s holds no tokens: %v", address, rs.Primary.Attributes)
	}
	return access, refresh, nil
}

// TestAccKeyTokens_authorisesUntilRegenerated: a token that Terraform got through the ephemeral
// resource authorises a crypto call of the key, and no longer does once regenerate_triggers has
// changed; the token Terraform gets after the regeneration does.
func TestAccKeyTokens_authorisesUntilRegenerated(t *testing.T) {
	m := testAccMock(t)
	const echo = `
provider "echo" {
  data = ephemeral.ncloudkms_key_tokens.this
}

resource "echo" "before" {}
`
	var tag, before string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"ncloudkms": testAccProtoV6ProviderFactories()["ncloudkms"],
			"echo":      echoprovider.NewProviderServer(),
		},
		TerraformVersionChecks: cliFeatureChecks(featureEphemeralResources),
		Steps: []resource.TestStep{
			{
				Config: tokensConfig(m, "tokens-key", "1", "", echo),
				Check: func(s *terraform.State) error {
					tag = s.RootModule().Resources[testAccKeyAddress].Primary.Attributes["key_tag"]
					access, _, err := echoedTokens(s, "echo.before")
					if err != nil {
						return err
					}
					before = access
					requireTokenAuthorises(t, m, tag, access)
					return nil
				},
			},
			{
				Config: tokensConfig(m, "tokens-key", "2", "", echo+"\nresource \"echo\" \"after\" {}\n"),
				Check: func(s *terraform.State) error {
					requireTokenRefused(t, m, tag, before)
					access, refresh, err := echoedTokens(s, "echo.after")
					if err != nil {
						return err
					}
					requireTokenAuthorises(t, m, tag, access)
					// The refresh token issues access tokens too.
					issued, err := mockAPIClient(t, m).IssueAccessToken(t.Context(), tag, refresh, 1)
					if err != nil {
						return fmt.Errorf("the refresh token issues no access token: %w", err)
					}
					requireTokenAuthorises(t, m, tag, issued)
					return nil
				},
			},
		},
	})
}

// TestAccKeyTokens_neverInStateOrPlan: every token the mock issued for the plan and the apply is
// nowhere in the state file, the saved plan (and its JSON rendering) or Terraform's output.
func TestAccKeyTokens_neverInStateOrPlan(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd, rec := newTFWorkdirRecording(t)
	wd.SkipWithout(featureEphemeralResources)
	wd.SetConfig(tokensConfig(m, "hygiene-key", "1", "", tokensCheck))
	apply := wd.Apply()
	apply.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, apply)
	plan := wd.Plan(tfexec.Out("tfplan"))
	plan.RequireSuccess(t)
	shown := wd.ShowPlanFile("tfplan")
	shown.RequireSuccess(t)

	var tokens []string
	for _, ex := range rec.Exchanges("POST", "/token-set") {
		tokens = append(tokens, jsonField(t, ex.Response, "accessToken"), jsonField(t, ex.Response, "refreshToken"))
	}
	if len(tokens) < 4 { // a token set for the apply, and one for the plan
		t.Fatalf("the mock issued %d tokens, want token sets for the apply and the plan: %+v", len(tokens), rec.Exchanges("POST", "/token-set"))
	}
	state, err := os.ReadFile(filepath.Join(wd.Dir(), "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	places := map[string]string{
		"terraform.tfstate":      string(state),
		"tfplan":                 readZip(t, filepath.Join(wd.Dir(), "tfplan")),
		"terraform show -json":   shown.Stdout,
		"terraform apply output": apply.Stdout + apply.Stderr,
		"terraform plan output":  plan.Stdout + plan.Stderr,
	}
	for place, text := range places {
		if text == "" {
			t.Fatalf("%s is empty", place)
		}
		for _, token := range tokens {
			if token != "" && strings.Contains(text, token) {
				t.Errorf("%s holds a token", place)
			}
		}
		if strings.Contains(text, "access_token\":\"") {
			t.Errorf("%s holds an access_token value", place)
		}
	}
}

// readZip returns the contents of every file of a zip archive (a saved plan), concatenated.
func readZip(t *testing.T, path string) string {
	t.Helper()
	archive, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer archive.Close()
	var all strings.Builder
	for _, f := range archive.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		content, err := io.ReadAll(r)
		_ = r.Close()
		if err != nil {
			t.Fatal(err)
		}
		all.Write(content)
	}
	return all.String()
}

// TestAccKeyTokens_refusedByACL: a token request that the key's IP ACL refuses says so, naming the
// ACL, not the sub account's policy.
func TestAccKeyTokens_refusedByACL(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SkipWithout(featureEphemeralResources)
	acl := aclBlock("this", testAccKeyAddress, "", "203.0.113.7") // the tests reach the mock from 127.0.0.1
	// The check reads the tokens: OpenTofu opens only an ephemeral resource that something uses.
	wd.SetConfig(tokensConfig(m, "acl-refused", "1", "  depends_on = [ncloudkms_key_acl.this]", acl+tokensCheck))
	apply := wd.Apply()
	apply.RequireFailure(t)
	tfcli.RequireDiagnostics(t, apply, tfcli.Error(summaryKeyTokensNotIssued, "ephemeral.ncloudkms_key_tokens.this"))
	tfcli.RequireDetail(t, apply, "error", summaryKeyTokensNotIssued, "The key's IP ACL refused this machine's address",
		"HTTP 403", cliStateKeyTag(t, wd, testAccKeyAddress))
	if d := apply.Find("error", summaryKeyTokensNotIssued); strings.Contains(d.Detail, "sub account") {
		t.Errorf("the detail gives the sub-account advice of other 403s:\n%s", d.Detail)
	}

	// With this machine's address listed, the tokens come. Terraform asks for them while it plans,
	// before it applies a change of the ACL: the address must be listed by an earlier apply.
	wd.SetConfig(tokensConfig(m, "acl-refused", "1", "  depends_on = [ncloudkms_key_acl.this]",
		aclBlock("this", testAccKeyAddress, "", "203.0.113.7", "127.0.0.1")+tokensCheck))
	// OpenTofu waits for the ACL's change before it opens the ephemeral resource that depends on it;
	// Terraform opens it first, and is refused.
	plan := wd.Plan()
	if wd.CLI().IsOpenTofu() {
		plan.RequireSuccess(t)
		tfcli.RequireDiagnostics(t, plan, tfcli.Warning("Check block assertion known after apply", cliNoAddress))
	} else {
		plan.RequireFailure(t)
		tfcli.RequireDiagnostics(t, plan, tfcli.Error(summaryKeyTokensNotIssued, "ephemeral.ncloudkms_key_tokens.this"))
	}
	wd.Apply(tfexec.Target("ncloudkms_key_acl.this")).RequireSuccess(t)
	wd.Apply().RequireSuccess(t)
}

// TestAccKeyTokens_noGenerator: tokens of a key without a generator fail with the way to fix it.
func TestAccKeyTokens_noGenerator(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SkipWithout(featureEphemeralResources)
	// The check reads the tokens: OpenTofu opens only an ephemeral resource that something uses.
	wd.SetConfig(testAccKeyConfig(m, "no-generator", "") + `
ephemeral "ncloudkms_key_tokens" "this" {
  key_tag = ncloudkms_key.test.key_tag
}
` + tokensCheck)
	apply := wd.Apply()
	apply.RequireFailure(t)
	tfcli.RequireDiagnostics(t, apply, tfcli.Error(summaryKeyTokensNotIssued, "ephemeral.ncloudkms_key_tokens.this"))
	tfcli.RequireDetail(t, apply, "error", summaryKeyTokensNotIssued, "needs an active token generator", tokenGeneratorReference)
}

// TestAccKeyTokens_lifetimes: the hours reach the API as asked (0 as unlimited), defaults included;
// values out of range fail at plan time, before any call.
func TestAccKeyTokens_lifetimes(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd, rec := newTFWorkdirRecording(t)
	wd.SkipWithout(featureEphemeralResources)
	for _, c := range []struct{ arguments, body string }{
		{"", `{"accessTokenHours":72,"refreshTokenHours":2160}`},
		{"  access_token_hours  = 1\n  refresh_token_hours = 0", `{"accessTokenHours":1,"refreshTokenHours":"UL"}`},
		{"  access_token_hours  = 17520\n  refresh_token_hours = 1", `{"accessTokenHours":17520,"refreshTokenHours":1}`},
	} {
		rec.Reset()
		wd.SetConfig(tokensConfig(m, "lifetimes", "1", c.arguments, tokensCheck))
		wd.Apply().RequireSuccess(t)
		sets := rec.Exchanges("POST", "/token-set")
		if len(sets) == 0 {
			t.Fatalf("%q: no token set requested", c.arguments)
		}
		for _, set := range sets {
			if set.Request != c.body {
				t.Errorf("%q: token set request %s, want %s", c.arguments, set.Request, c.body)
			}
		}
	}
	for _, arguments := range []string{"  access_token_hours = 17521", "  refresh_token_hours = -1"} {
		m.ResetJournal()
		wd.SetConfig(tokensConfig(m, "lifetimes", "1", arguments, tokensCheck))
		plan := wd.Plan()
		plan.RequireFailure(t)
		if d := plan.Find("error", "Invalid Attribute Value"); d == nil || !strings.Contains(d.Detail, "between 0 and 17520") {
			t.Fatalf("%q: want a plan-time range error:\n%s", arguments, plan.Describe())
		}
		if calls := journalCalls(m); len(calls) != 0 {
			t.Errorf("%q: an invalid lifetime reached the API: %q", arguments, calls)
		}
	}
}
