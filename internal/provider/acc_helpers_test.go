package provider

import (
	"fmt"
	"os"
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
	os.Exit(m.Run())
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
