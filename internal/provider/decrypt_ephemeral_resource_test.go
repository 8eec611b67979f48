package provider

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// testAccDecryptConfig is an ncloudkms_decrypt "this" with the given argument lines.
func testAccDecryptConfig(arguments string) string {
	return "\nephemeral \"ncloudkms_decrypt\" \"this\" {\n" + arguments + "\n}\n"
}

// Ciphertexts of both key types that encrypt, made outside Terraform, decrypt to their text; with
// binary = true only plaintext_base64 is set. Each plan and each apply decrypts once.
func TestAccDecryptEphemeralResource_keyTypes(t *testing.T) {
	for _, keyType := range []string{"AES256", "RSA2048"} {
		t.Run(keyType, func(t *testing.T) {
			t.Parallel()
			mock := testAccMock(t)
			key := testAccMockKey(t, mock, kmsmock.KeySpec{Name: "decrypt-key", Type: keyType})
			plaintext := "api-token-" + rand.Text()
			ciphertext := encryptOutside(t, mock, key.KeyTag, []byte(plaintext), "")
			asBinary := fmt.Sprintf(`
ephemeral "ncloudkms_decrypt" "binary" {
  key_tag    = %q
  ciphertext = %q
  binary     = true
}
`, key.KeyTag, ciphertext)
			echo := fmt.Sprintf("{\n    text   = %s\n    binary = {\n      plaintext_is_null = ephemeral.ncloudkms_decrypt.binary.plaintext == null\n"+
				"      plaintext_base64  = sha256(ephemeral.ncloudkms_decrypt.binary.plaintext_base64)\n    }\n  }", digestsOf("ephemeral.ncloudkms_decrypt.this"))
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccEchoProviderFactories(),
				TerraformVersionChecks:   cliFeatureChecks(featureEphemeralResources),
				Steps: []resource.TestStep{{
					Config: testAccProviderConfig(mock) + testAccDecryptConfig(fmt.Sprintf("  key_tag    = %q\n  ciphertext = %q", key.KeyTag, ciphertext)) +
						asBinary + testAccEcho("decrypted", echo),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("echo.decrypted", tfjsonpath.New("data"), knownvalue.ObjectExact(map[string]knownvalue.Check{
							"text": expectDigests(plaintext),
							"binary": knownvalue.ObjectExact(map[string]knownvalue.Check{
								"plaintext_is_null": knownvalue.Bool(true),
								"plaintext_base64":  knownvalue.StringExact(sha256Hex(base64.StdEncoding.EncodeToString([]byte(plaintext)))),
							}),
						})),
					},
				}},
			})
		})
	}
}

// Every refusal of a decryption is one error with a summary that never changes and a detail that
// says why and what to do, at plan time; a refusal by NCloud is explained with at most two reads.
func TestAccDecryptEphemeralResource_failures(t *testing.T) {
	const plaintext = "a-secret-in-plain-text"
	encrypted := func(t *testing.T, mock *kmsmock.Server, keyType string, convergent bool, bound string) (kmsmock.Key, string) {
		key := testAccMockKey(t, mock, kmsmock.KeySpec{Name: "dec-key", Type: keyType, Convergent: convergent})
		return key, encryptOutside(t, mock, key.KeyTag, []byte(plaintext), bound)
	}
	args := func(tag, ciphertext, extra string) string {
		return testAccDecryptConfig(fmt.Sprintf("  key_tag    = %q\n  ciphertext = %q\n%s", tag, ciphertext, extra))
	}
	cases := []planFailure{
		{
			name: "version disabled after a rotation",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				key, ciphertext := encrypted(t, mock, "AES256", false, "")
				_, err := mock.RotateKey(key.KeyTag)
				mustMock(t, err)
				mustMock(t, mock.DisableKeyVersion(key.KeyTag, 1))
				return args(key.KeyTag, ciphertext, "")
			},
			summary: summaryDecryptFailed,
			detail: []string{"The ciphertext of key version 1 could not be decrypted: version 1 of key {key} is disabled",
				"enabling the version makes it usable again.", "HTTP 422"},
			calls: []string{"POST /keys/{tag}/decrypt", "GET /keys/{tag}", "GET /keys/{tag}/versions"},
		},
		{
			name: "another context",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				key, ciphertext := encrypted(t, mock, "AES256", false, "billing")
				return args(key.KeyTag, ciphertext, `  context    = "orders"`)
			},
			summary: summaryDecryptFailed,
			detail: []string{"The ciphertext of key version 1 could not be decrypted with key {key}.",
				"A ciphertext decrypts only with the key that made it, unaltered, and with the context it was encrypted with", "HTTP 400"},
			calls: []string{"POST /keys/{tag}/decrypt", "GET /keys/{tag}", "GET /keys/{tag}/versions"},
		},
		{
			name: "another key's ciphertext",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				_, ciphertext := encrypted(t, mock, "AES256", false, "")
				other := testAccMockKey(t, mock, kmsmock.KeySpec{Name: "other-key", Type: "AES256"})
				return args(other.KeyTag, ciphertext, "")
			},
			summary: summaryDecryptFailed,
			detail:  []string{`with key "other-key"`, "A ciphertext decrypts only with the key that made it", "HTTP 400"},
		},
		{
			name: "a version the key does not have",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				key, ciphertext := encrypted(t, mock, "RSA2048", false, "")
				return args(key.KeyTag, strings.Replace(ciphertext, "ncpkms:v1:", "ncpkms:v5:", 1), "")
			},
			summary: summaryDecryptFailed,
			detail:  []string{"The ciphertext of key version 5 could not be decrypted: key {key} has versions 1 to 1, and no version 5.", "HTTP 400"},
		},
		{
			name: "a disabled key",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				key, ciphertext := encrypted(t, mock, "AES256", false, "")
				mustMock(t, mock.DisableKey(key.KeyTag))
				return args(key.KeyTag, ciphertext, "")
			},
			summary: summaryDecryptFailed, attribute: "key_tag",
			detail: []string{"key {key} is DISABLE, and NCloud uses only enabled (ENABLE) keys.", "HTTP 422"},
		},
		{
			name: "a key pending deletion",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				key, ciphertext := encrypted(t, mock, "RSA2048", false, "")
				mustMock(t, mock.RequestDeletion(key.KeyTag))
				return args(key.KeyTag, ciphertext, "")
			},
			summary: summaryDecryptFailed, attribute: "key_tag",
			detail: []string{"key {key} is REVOKE, and NCloud uses only enabled (ENABLE) keys. The key is pending deletion: cancel its deletion"},
		},
		{
			name: "an ECDSA key",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				_, ciphertext := encrypted(t, mock, "AES256", false, "")
				signing := testAccMockKey(t, mock, kmsmock.KeySpec{Name: "sign-key", Type: "ECDSA"})
				return args(signing.KeyTag, ciphertext, "")
			},
			summary: summaryKeyCannotDecrypt, attribute: "key_tag",
			detail: []string{`Key "sign-key"`, "is an ECDSA key, which cannot decrypt: only AES256 and RSA2048 keys can."},
		},
		{
			name: "a convergent key without context",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				key, ciphertext := encrypted(t, mock, "AES256", true, "tenant-7")
				return args(key.KeyTag, ciphertext, "")
			},
			summary: summaryContextRequired, // on context, which is not in the configuration: Terraform quotes the block
			detail:  []string{"is a convergent key: NCloud requires a context on every call with it."},
		},
		{
			name: "an unknown key tag",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				_, ciphertext := encrypted(t, mock, "AES256", false, "")
				return args(strings.Repeat("ab", 32), ciphertext, "")
			},
			summary: summaryKeyNotFound, attribute: "key_tag",
			detail: []string{`no KMS key has the key tag "` + strings.Repeat("ab", 32) + `"`, "HTTP 404"},
		},
		{
			name: "not a ciphertext",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				key := testAccMockKey(t, mock, kmsmock.KeySpec{Name: "dec-key", Type: "AES256"})
				return args(key.KeyTag, "ncpkms:1:AAAA", "")
			},
			summary: summaryInvalidCiphertext, attribute: "ciphertext",
			detail: []string{"The value is not an NCloud KMS ciphertext: it must have the form ncpkms:v{N}:{Base64}."},
			calls:  []string{},
		},
		{
			name: "bytes that are not UTF-8",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				key := testAccMockKey(t, mock, kmsmock.KeySpec{Name: "dec-key", Type: "AES256"})
				return args(key.KeyTag, encryptOutside(t, mock, key.KeyTag, []byte{0xff, 0xfe, 0x00, 0x41}, ""), "")
			},
			summary: summaryPlaintextNotText,
			detail:  []string{"its plaintext is not valid UTF-8 text", "Set binary = true and use plaintext_base64"},
			calls:   []string{"POST /keys/{tag}/decrypt"},
		},
		{
			name: "text Terraform would normalize",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				key := testAccMockKey(t, mock, kmsmock.KeySpec{Name: "dec-key", Type: "AES256"})
				return args(key.KeyTag, encryptOutside(t, mock, key.KeyTag, []byte("cafe\u0301"), ""), "")
			},
			summary: summaryPlaintextNotText,
			detail:  []string{"outside Unicode normalization form C", "Set binary = true and use plaintext_base64"},
		},
	}
	for i := range cases {
		cases[i].secret = plaintext
	}
	runPlanFailures(t, []tfcli.Feature{featureEphemeralResources}, cases)
}
