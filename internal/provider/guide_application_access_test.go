package provider

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// The guide "Giving an application access to a key" is built on one configuration,
// examples/guides/giving-an-application-access/main.tf. This test applies that file as it is, with
// the mock's address on the ACL and a store command that writes the token to a file, and checks
// what the guide promises: the application gets a refresh token that works, the state never holds
// it, and a new token_rotation revokes it and hands over a new one.

const applicationAccessExample = "../../examples/guides/giving-an-application-access/main.tf"

func TestAccGuide_applicationAccess(t *testing.T) {
	t.Parallel()
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SkipWithout(featureEphemeralResources)
	example, err := os.ReadFile(applicationAccessExample)
	if err != nil {
		t.Fatal(err)
	}
	wd.SetConfig(testAccProviderConfig(m) + string(example))
	variables := func(rotation string) {
		tfvars := `app_server_ips       = ["203.0.113.10"]
terraform_runner_ip  = "127.0.0.1" # the tests reach the mock from loopback
store_secret_command = "printf '%s' \"$SECRET_VALUE\" > refresh-token.txt"
token_rotation       = "` + rotation + `"
`
		if err := os.WriteFile(filepath.Join(wd.Dir(), "terraform.tfvars"), []byte(tfvars), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	delivered := func() string {
		raw, err := os.ReadFile(filepath.Join(wd.Dir(), "refresh-token.txt"))
		if err != nil || len(raw) == 0 {
			t.Fatalf("the application received no refresh token: %v", err)
		}
		return string(raw)
	}
	works := func(tag, refresh string) error {
		access, err := mockAPIClient(t, m).IssueAccessToken(context.Background(), tag, refresh, 1)
		if err == nil {
			requireTokenAuthorises(t, m, tag, access)
		}
		return err
	}

	variables("2026-q1")
	apply := wd.Apply()
	apply.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, apply)
	tag := cliStateKeyTag(t, wd, "ncloudkms_key.app")
	first := delivered()
	if err := works(tag, first); err != nil {
		t.Fatalf("the delivered refresh token issues no access token: %v", err)
	}
	requireMockACL(t, m, tag, true, "203.0.113.10", "127.0.0.1")
	state, err := os.ReadFile(filepath.Join(wd.Dir(), "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(state), first) || strings.Contains(apply.Stdout, first) {
		t.Fatal("the refresh token reached the state or Terraform's output")
	}

	variables("2026-q2")
	plan := wd.Plan()
	plan.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, plan, tfcli.Warning(summaryKeyTokensWillBeRevoked, "ncloudkms_key_token_generator.app"))
	wd.Apply().RequireSuccess(t)
	second := delivered()
	if second == first {
		t.Fatal("the regeneration handed over no new refresh token")
	}
	if err := works(tag, first); !kmsapi.IsUnauthenticated(err) {
		t.Fatalf("the refresh token of the old generator: got %v, want HTTP 401", err)
	}
	if err := works(tag, second); err != nil {
		t.Fatalf("the new refresh token issues no access token: %v", err)
	}
}
