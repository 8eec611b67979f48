package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

func TestMain(m *testing.M) {
	// Acceptance tests must never phone home or read a developer's real credentials.
	os.Setenv("CHECKPOINT_DISABLE", "1")
	for _, name := range []string{"NCLOUD_ACCESS_KEY", "NCLOUD_SECRET_KEY", "NCLOUD_ACCESS_KEY_ID",
		"NCLOUD_SECRET_ACCESS_KEY", "NCLOUD_KMS_ENDPOINT", "NCLOUD_SITE", "NCLOUD_KMS_KEY_BOUNDARY"} {
		os.Unsetenv(name)
	}
	cleanup := useEmptyCLIConfig()
	setProviderHostForOpenTofu()
	code := m.Run()
	cleanup()
	os.Exit(code)
}

// useEmptyCLIConfig points TF_CLI_CONFIG_FILE at an empty file for every CLI the tests start,
// terraform-plugin-testing's included (the CLI harness sets its own per command): a developer's
// ~/.terraformrc or ~/.tofurc (dev_overrides, a plugin cache) cannot change the outcome, and a
// TF_CLI_CONFIG_FILE naming a missing file cannot make OpenTofu print a warning on standard output
// where terraform-plugin-testing reads its version.
func useEmptyCLIConfig() func() {
	dir, err := os.MkdirTemp("", "ncloudkms-cli-config")
	if err != nil {
		panic(err)
	}
	path := filepath.Join(dir, "empty.tfrc")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		panic(err)
	}
	os.Setenv("TF_CLI_CONFIG_FILE", path)
	return func() { os.RemoveAll(dir) }
}

// setProviderHostForOpenTofu sets TF_ACC_PROVIDER_HOST=registry.opentofu.org when the acceptance
// tests run OpenTofu and it is not set: terraform-plugin-testing reattaches the provider under
// that host, and OpenTofu resolves the configurations' unqualified provider to it. So
// TF_ACC_TERRAFORM_PATH=/path/to/tofu is enough to run the suite on OpenTofu.
func setProviderHostForOpenTofu() {
	if os.Getenv("TF_ACC") == "" || os.Getenv("TF_ACC_PROVIDER_HOST") != "" {
		return
	}
	path, err := terraformBinary()
	if err != nil {
		return // the tests that need a CLI say so
	}
	if cli, err := detectCLI(path); err == nil && cli.IsOpenTofu() {
		os.Setenv("TF_ACC_PROVIDER_HOST", cli.RegistryHost())
	}
}

// testAccProtoV6ProviderFactories serves the real provider in-process with default options.
func testAccProtoV6ProviderFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	return testAccProtoV6ProviderFactoriesWith(Options{})
}

// testAccProtoV6ProviderFactoriesWith serves the provider with injected environment, home or transport.
// Each call builds a new provider instance, as each Terraform command starts a new provider process.
func testAccProtoV6ProviderFactoriesWith(opts Options) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"ncloudkms": func() (tfprotov6.ProviderServer, error) {
			return NewProtocol6Server(NewWithOptions("test", opts)(), true), nil // as served without TF_LOG
		},
	}
}

// testAccMock starts a fresh mock for one test; it stops when the test ends.
func testAccMock(t *testing.T) *kmsmock.Server {
	t.Helper()
	return kmsmock.NewTestServer(t, kmsmock.Options{})
}

// testAccProviderConfig is the provider block that points at the given mock.
func testAccProviderConfig(m *kmsmock.Server) string {
	return fmt.Sprintf(`
provider "ncloudkms" {
  endpoint   = %q
  access_key = %q
  secret_key = %q
}
`, m.URL(), m.AccessKey(), m.SecretKey())
}
