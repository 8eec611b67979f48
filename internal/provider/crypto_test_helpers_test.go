package provider

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// Helpers of the tests of ncloudkms_ciphertext, ncloudkms_decrypt, ncloudkms_data_key,
// ncloudkms_public_key and ciphertext_version.

// testAccEchoProviderFactories serve this provider and terraform-plugin-testing's echo provider,
// which copies its configuration's data (an ephemeral value too) into the state of an echo
// resource when it creates it, so that a test can see an ephemeral value. Only digests of
// secrets are echoed, never the secrets themselves.
func testAccEchoProviderFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	factories := testAccProtoV6ProviderFactories()
	factories["echo"] = echoprovider.NewProviderServer()
	return factories
}

// testAccEcho is the echo provider block and a resource echo.<name> that shows data in its
// attribute data. The echo resource takes the data when it is created only: a step that must
// see new data gives it a new name.
func testAccEcho(name, data string) string {
	return fmt.Sprintf("provider \"echo\" {\n  data = %s\n}\n\nresource \"echo\" %q {}\n", data, name)
}

// testClient is an API client of the mock, for tests that make ciphertexts outside Terraform.
func testClient(t *testing.T, mock *kmsmock.Server) *kmsapi.Client {
	t.Helper()
	client, err := kmsapi.NewClient(kmsapi.Config{Endpoint: mock.URL(), AccessKey: mock.AccessKey(), SecretKey: mock.SecretKey()})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// encryptOutside encrypts plaintext with the mock's key as an application would.
func encryptOutside(t *testing.T, mock *kmsmock.Server, tag string, plaintext []byte, bound string) string {
	t.Helper()
	in := kmsapi.EncryptInput{Plaintext: plaintext}
	if bound != "" {
		in.Context = []byte(bound)
	}
	ciphertext, err := testClient(t, mock).Encrypt(context.Background(), tag, in)
	if err != nil {
		t.Fatal(err)
	}
	return ciphertext
}

// sha256Hex is what Terraform's sha256() gives for text.
func sha256Hex(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// secretForms are the ways a secret could show in a file: as it is, in Base64, JSON-escaped.
func secretForms(secret string) []string {
	quoted := strings.Trim(fmt.Sprintf("%q", secret), `"`)
	return []string{secret, base64.StdEncoding.EncodeToString([]byte(secret)), quoted}
}

// stateFilesUnder returns every terraform.tfstate and its backup under dir, where
// terraform-plugin-testing keeps the working directories of a test case with WorkingDir set.
func stateFilesUnder(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if name := d.Name(); !d.IsDir() && (name == "terraform.tfstate" || name == "terraform.tfstate.backup") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// planFailure is a configuration whose plan fails, and the one error it must give.
type planFailure struct {
	name      string
	setup     func(t *testing.T, mock *kmsmock.Server) (config string) // prepares the mock, returns the blocks to plan
	summary   string
	attribute string   // the argument the error is attached to ("" for the block): its line is quoted
	detail    []string // in order in the detail; {key} is the first key's name and tag
	calls     []string // when not nil: the calls the plan makes, {tag} the first key's tag
	secret    string   // when set: a plaintext that the output must not show
}

// runPlanFailures plans each case with the CLI, on a mock of its own, and checks its one error,
// the line it quotes and the calls made; needs are the CLI features the cases use.
func runPlanFailures(t *testing.T, needs []tfcli.Feature, cases []planFailure) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			mock := testAccMock(t)
			wd := newTFWorkdir(t)
			for _, need := range needs {
				wd.SkipWithout(need)
			}
			config := c.setup(t, mock)
			tag := ""
			if keys := mock.Keys(); len(keys) > 0 {
				tag = keys[0].KeyTag
			}
			mock.ResetJournal()
			wd.SetConfig(testAccProviderConfig(mock) + config)

			plan := wd.Plan()
			plan.RequireFailure(t)
			errors := plan.WithSeverity("error")
			if len(plan.Diagnostics) != 1 || len(errors) != 1 || errors[0].Summary != c.summary {
				t.Fatalf("want one error %q, got %v", c.summary, plan.Diagnostics)
			}
			key := keyRef{Name: keyName(mock, tag), Tag: tag}.String()
			expectInOrder(t, errors[0].Detail, strings.NewReplacer("{key}", key).Replace, c.detail)
			expectQuotedLine(t, plan, c.summary, c.attribute)
			if c.secret != "" && strings.Contains(plan.Stdout+plan.Stderr, c.secret) {
				t.Errorf("the output shows the plaintext")
			}
			if c.calls != nil {
				if got, want := journalCalls(mock), expandTag(tag, c.calls); !slices.Equal(got, want) {
					t.Errorf("calls %q, want %q", got, want)
				}
			}
		})
	}
}

// expectQuotedLine checks the configuration line that the diagnostic summary of res quotes: the
// line of attribute, or the block's first line when attribute is "".
func expectQuotedLine(t *testing.T, res tfcli.Result, summary, attribute string) {
	t.Helper()
	code := strings.TrimSpace(tfcli.Snippet(t, res, summary))
	blockStart := regexp.MustCompile(`^(ephemeral|resource|data) "`).MatchString(code)
	if attribute == "" && !blockStart {
		t.Errorf("the diagnostic quotes %q, want the block's first line", code)
	}
	if attribute != "" && !strings.HasPrefix(code, attribute+" ") {
		t.Errorf("the diagnostic quotes %q, want the line of %s", code, attribute)
	}
}

// keyName is the name of the key tagged tag in the mock, "" when none.
func keyName(mock *kmsmock.Server, tag string) string {
	key, _ := mock.Key(tag)
	return key.KeyName
}

// expectInOrder checks that text holds every part, in order, after expand; whitespace is compared
// loosely, as Terraform wraps long lines.
func expectInOrder(t *testing.T, text string, expand func(string) string, parts []string) {
	t.Helper()
	flat := strings.Join(strings.Fields(text), " ")
	rest := flat
	for _, part := range parts {
		part = strings.Join(strings.Fields(expand(part)), " ")
		at := strings.Index(rest, part)
		if at < 0 {
			t.Fatalf("the detail lacks %q (in order):\n%s", part, flat)
		}
		rest = rest[at+len(part):]
	}
}
