package provider

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

// testAccPublicKeyConfig is an ncloudkms_public_key data source named name.
func testAccPublicKeyConfig(name, tag, extra string) string {
	return fmt.Sprintf("\ndata \"ncloudkms_public_key\" %q {\n  key_tag = %q\n%s}\n", name, tag, extra)
}

// publicKeyOf is a knownvalue check that the value is a PEM "PUBLIC KEY" of the key type, and
// that records the PEM in *seen.
type publicKeyOf struct {
	keyType string
	seen    *string
}

func (c publicKeyOf) String() string { return "a PEM public key of an " + c.keyType + " key" }

func (c publicKeyOf) CheckValue(value any) error {
	text, ok := value.(string)
	if !ok {
		return fmt.Errorf("got %T, want a string", value)
	}
	block, rest := pem.Decode([]byte(text))
	if block == nil || block.Type != "PUBLIC KEY" || len(rest) > 1 {
		return fmt.Errorf("not one PEM PUBLIC KEY block: %q", text)
	}
	key, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return err
	}
	switch k := key.(type) {
	case *rsa.PublicKey:
		if c.keyType != "RSA2048" || k.N.BitLen() != 2048 {
			return fmt.Errorf("an RSA key of %d bits, want %s", k.N.BitLen(), c)
		}
	case *ecdsa.PublicKey:
		if c.keyType != "ECDSA" || k.Curve != elliptic.P256() {
			return fmt.Errorf("an ECDSA key on %s, want %s", k.Params().Name, c)
		}
	default:
		return fmt.Errorf("a %T, want %s", key, c)
	}
	if c.seen != nil {
		*c.seen = text
	}
	return nil
}

// The public key of an RSA2048 and of an ECDSA key: the current version by default, any enabled
// version on request, each version its own key; two calls per read (the key, then its public key).
func TestAccPublicKeyDataSource_keyTypesAndVersions(t *testing.T) {
	for _, keyType := range []string{"RSA2048", "ECDSA"} {
		t.Run(keyType, func(t *testing.T) {
			t.Parallel()
			mock := testAccMock(t)
			key := testAccMockKey(t, mock, kmsmock.KeySpec{Name: "public-key", Type: keyType})
			_, err := mock.RotateKey(key.KeyTag)
			mustMock(t, err)
			var current, first, second string
			keyPath := "/keys/" + key.KeyTag
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
				Steps: []resource.TestStep{{
					Config: testAccProviderConfig(mock) + testAccPublicKeyConfig("current", key.KeyTag, "") +
						testAccPublicKeyConfig("first", key.KeyTag, "  version = 1\n") +
						testAccPublicKeyConfig("second", key.KeyTag, "  version = 2\n"),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("data.ncloudkms_public_key.current", tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
						statecheck.ExpectKnownValue("data.ncloudkms_public_key.first", tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
						statecheck.ExpectKnownValue("data.ncloudkms_public_key.second", tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
						statecheck.ExpectKnownValue("data.ncloudkms_public_key.current", tfjsonpath.New("public_key_pem"), publicKeyOf{keyType, &current}),
						statecheck.ExpectKnownValue("data.ncloudkms_public_key.first", tfjsonpath.New("public_key_pem"), publicKeyOf{keyType, &first}),
						statecheck.ExpectKnownValue("data.ncloudkms_public_key.second", tfjsonpath.New("public_key_pem"), publicKeyOf{keyType, &second}),
						samePublicKeys{&current, &second, &first},
						expectOneOfEach(mock, "GET "+keyPath, "POST "+keyPath+"/get-pub-key"),
					},
				}},
			})
		})
	}
}

// samePublicKeys checks, after the checks that fill them, that the current version's key is the
// second version's and that the first version's differs.
type samePublicKeys struct{ current, second, first *string }

func (c samePublicKeys) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	switch {
	case *c.current != *c.second:
		resp.Error = fmt.Errorf("the current version's public key is not version 2's")
	case *c.first == *c.second:
		resp.Error = fmt.Errorf("versions 1 and 2 have the same public key")
	}
}

// expectOneOfEach checks that the calls made are these, each as many times as the others: each
// read makes them once (the step reads its data sources in several Terraform commands).
func expectOneOfEach(mock *kmsmock.Server, calls ...string) statecheck.StateCheck {
	return oneOfEachCheck{mock, calls}
}

type oneOfEachCheck struct {
	mock  *kmsmock.Server
	calls []string
}

func (c oneOfEachCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	got := map[string]int{}
	for _, call := range c.mock.Journal() {
		got[journalLine(call, false)]++
	}
	first := got[c.calls[0]]
	for _, call := range c.calls {
		if got[call] == 0 || got[call] != first {
			resp.Error = fmt.Errorf("calls made %v, want each of %q as often as the others", got, c.calls)
		}
	}
	if len(got) != len(c.calls) {
		resp.Error = fmt.Errorf("calls made %v, want only %q", got, c.calls)
	}
}

// Whatever makes a public key unreadable fails the plan, with one error that says why; an AES256
// key is refused after one read of the key, before any crypto call.
func TestAccPublicKeyDataSource_failures(t *testing.T) {
	runPlanFailures(t, nil, []planFailure{
		{
			name: "an AES256 key",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				return testAccPublicKeyConfig("this", testAccMockKey(t, mock, kmsmock.KeySpec{Name: "secret-key", Type: "AES256"}).KeyTag, "")
			},
			summary: summaryKeyHasNoPublicKey, attribute: "key_tag",
			detail: []string{"Key {key} is an AES256 key, which cannot give a public key: only RSA2048 and ECDSA keys can. Use another key_tag."},
			calls:  []string{"GET /keys/{tag}"},
		},
		{
			name: "a version the key does not have",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				return testAccPublicKeyConfig("this", testAccMockKey(t, mock, kmsmock.KeySpec{Name: "rsa-key", Type: "RSA2048"}).KeyTag, "  version = 3\n")
			},
			summary: summaryPublicKeyReadFailed, attribute: "version",
			detail: []string{"Key {key} has versions 1 to 1, and no version 3."},
			calls:  []string{"GET /keys/{tag}"},
		},
		{
			name: "a disabled version",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				key := testAccMockKey(t, mock, kmsmock.KeySpec{Name: "ec-key", Type: "ECDSA"})
				_, err := mock.RotateKey(key.KeyTag)
				mustMock(t, err)
				mustMock(t, mock.DisableKeyVersion(key.KeyTag, 1))
				return testAccPublicKeyConfig("this", key.KeyTag, "  version = 1\n")
			},
			summary: summaryPublicKeyReadFailed,
			detail: []string{"The public key of version 1 could not be read: version 1 of key {key} is disabled",
				"enabling the version makes it usable again.", "HTTP 422"},
			calls: []string{"GET /keys/{tag}", "POST /keys/{tag}/get-pub-key", "GET /keys/{tag}", "GET /keys/{tag}/versions"},
		},
		{
			name: "a disabled key",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				key := testAccMockKey(t, mock, kmsmock.KeySpec{Name: "off-key", Type: "RSA2048"})
				mustMock(t, mock.DisableKey(key.KeyTag))
				return testAccPublicKeyConfig("this", key.KeyTag, "")
			},
			summary: summaryPublicKeyReadFailed, attribute: "key_tag",
			detail: []string{"The public key of version 1 could not be read: key {key} is DISABLE", "HTTP 422"},
		},
		{
			name: "an unknown key tag",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				testAccMockKey(t, mock, kmsmock.KeySpec{Name: "rsa-key", Type: "RSA2048"})
				return testAccPublicKeyConfig("this", strings.Repeat("0f", 32), "")
			},
			summary: summaryKeyNotFound, attribute: "key_tag",
			detail: []string{`The public key could not be read: no KMS key has the key tag "` + strings.Repeat("0f", 32) + `"`, "HTTP 404"},
		},
	})
}
