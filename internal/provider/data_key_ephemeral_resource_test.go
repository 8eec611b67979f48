package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// Data keys of every size from both key types that make them: the plaintext has the size asked
// for (256 bits when bits is not set), and the ciphertext opens with ncloudkms_decrypt to the same
// data key, with the context it was made with. The echo provider shows sizes and comparisons only.
func TestAccDataKeyEphemeralResource_keyTypesAndSizes(t *testing.T) {
	for _, keyType := range []string{"AES256", "RSA2048"} {
		t.Run(keyType, func(t *testing.T) {
			t.Parallel()
			mock := testAccMock(t)
			key := testAccMockKey(t, mock, kmsmock.KeySpec{Name: "envelope-key", Type: keyType})
			config := testAccProviderConfig(mock)
			echo := "{\n"
			expected := map[string]knownvalue.Check{}
			for _, size := range []struct {
				name, bits  string
				base64Chars int64
				bitsSeen    int64
			}{{"default", "", 44, 256}, {"b128", "128", 24, 128}, {"b256", "256", 44, 256}, {"b512", "512", 88, 512}} {
				bits, bound := "", ""
				if size.bits != "" {
					bits = "  bits    = " + size.bits + "\n"
					bound = "  context = \"" + size.name + "\"\n"
				}
				config += fmt.Sprintf(`
ephemeral "ncloudkms_data_key" %[1]q {
  key_tag = %[2]q
%[3]s%[4]s}

ephemeral "ncloudkms_decrypt" %[1]q {
  key_tag    = %[2]q
  ciphertext = ephemeral.ncloudkms_data_key.%[1]s.ciphertext
  binary     = true
%[4]s}
`, size.name, key.KeyTag, bits, bound)
				echo += fmt.Sprintf(`    %[1]s = {
      bits             = ephemeral.ncloudkms_data_key.%[1]s.bits
      plaintext_length = length(ephemeral.ncloudkms_data_key.%[1]s.plaintext)
      key_version      = ephemeral.ncloudkms_data_key.%[1]s.key_version
      ciphertext_shape = can(regex("^ncpkms:v1:[A-Za-z0-9+/]+=*$", ephemeral.ncloudkms_data_key.%[1]s.ciphertext))
      opens_to_itself  = ephemeral.ncloudkms_decrypt.%[1]s.plaintext_base64 == ephemeral.ncloudkms_data_key.%[1]s.plaintext
    }
`, size.name)
				expected[size.name] = knownvalue.ObjectExact(map[string]knownvalue.Check{
					"bits":             knownvalue.Int64Exact(size.bitsSeen),
					"plaintext_length": knownvalue.Int64Exact(size.base64Chars),
					"key_version":      knownvalue.Int64Exact(1),
					"ciphertext_shape": knownvalue.Bool(true),
					"opens_to_itself":  knownvalue.Bool(true),
				})
			}
			echo += "  }"
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccEchoProviderFactories(),
				TerraformVersionChecks:   cliFeatureChecks(featureEphemeralResources),
				Steps: []resource.TestStep{{
					Config: config + testAccEcho("data_keys", echo),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("echo.data_keys", tfjsonpath.New("data"), knownvalue.ObjectExact(expected)),
					},
				}},
			})
		})
	}
}

// A data key needs a key that encrypts, a size NCloud makes, and a context with a convergent key.
func TestAccDataKeyEphemeralResource_failures(t *testing.T) {
	dataKey := func(tag, extra string) string {
		return fmt.Sprintf("\nephemeral \"ncloudkms_data_key\" \"this\" {\n  key_tag = %q\n%s}\n", tag, extra)
	}
	runPlanFailures(t, []tfcli.Feature{featureEphemeralResources}, []planFailure{
		{
			name: "an ECDSA key",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				return dataKey(testAccMockKey(t, mock, kmsmock.KeySpec{Name: "sign-key", Type: "ECDSA"}).KeyTag, "")
			},
			summary: summaryKeyCannotMakeDataKeys, attribute: "key_tag",
			detail: []string{"Key {key} is an ECDSA key, which cannot make data keys: only AES256 and RSA2048 keys can."},
			calls:  []string{"POST /keys/{tag}/create-custom-key", "GET /keys/{tag}"},
		},
		{
			name: "a convergent key without context",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				return dataKey(testAccMockKey(t, mock, kmsmock.KeySpec{Name: "conv-key", Type: "AES256", Convergent: true}).KeyTag, "")
			},
			summary: summaryContextRequired,
			detail:  []string{"Key {key} is a convergent key: NCloud requires a context on every call with it."},
		},
		{
			name: "a disabled key",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				key := testAccMockKey(t, mock, kmsmock.KeySpec{Name: "off-key", Type: "RSA2048"})
				mustMock(t, mock.DisableKey(key.KeyTag))
				return dataKey(key.KeyTag, "")
			},
			summary: summaryDataKeyFailed, attribute: "key_tag",
			detail: []string{"A 256-bit data key could not be made: key {key} is DISABLE", "HTTP 422"},
		},
		{
			name: "a size NCloud does not make",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				return dataKey(testAccMockKey(t, mock, kmsmock.KeySpec{Name: "size-key", Type: "AES256"}).KeyTag, "  bits    = 192\n")
			},
			summary: "Invalid Attribute Value Match", attribute: "bits",
			detail: []string{"Attribute bits value must be one of: [\"128\" \"256\" \"512\"], got: 192"},
			calls:  []string{},
		},
	})
}
