package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// A gateway clock 10 minutes off and wrong credentials both end in a 401. The user must learn which
// of the two it is, from one request: a 401 is never retried, and a plan that cannot authenticate
// stops at once instead of planning a create that would fail at apply time.

// authFailure is one reason for a 401: the mock it happens against and the provider block that meets it.
type authFailure struct {
	name     string
	mock     func(t *testing.T) *kmsmock.Server
	provider func(m *kmsmock.Server) string
	advice   *regexp.Regexp // what the error must tell the user
}

func authFailures() []authFailure {
	validCredentials := testAccProviderConfig
	return []authFailure{
		{
			name: "gateway clock 10 minutes ahead",
			mock: func(t *testing.T) *kmsmock.Server {
				return kmsmock.NewTestServer(t, kmsmock.Options{Start: time.Now().Add(10 * time.Minute)})
			},
			provider: validCredentials,
			advice: regexp.MustCompile(`this machine's clock is (9m5[89]s|10m0s|10m1s) behind the KMS server's clock.*` +
				`Check this machine's clock \(enable NTP time synchronisation\)`),
		},
		{
			name: "gateway clock 10 minutes behind",
			mock: func(t *testing.T) *kmsmock.Server {
				return kmsmock.NewTestServer(t, kmsmock.Options{Start: time.Now().Add(-10 * time.Minute)})
			},
			provider: validCredentials,
			advice:   regexp.MustCompile(`this machine's clock is (9m5[89]s|10m0s|10m1s) ahead of the KMS server's clock.*Check this machine's clock`),
		},
		{
			name: "wrong secret key",
			mock: testAccMock,
			provider: func(m *kmsmock.Server) string {
				return testAccProviderConfig_credentials(m.URL(), m.AccessKey(), "wrongSecretKey00000000000000000000000001")
			},
			advice: regexp.MustCompile(`(?i)the credentials were rejected: check the access key and the secret key`),
		},
		{
			name: "unknown access key",
			mock: testAccMock,
			provider: func(m *kmsmock.Server) string {
				return testAccProviderConfig_credentials(m.URL(), "UNKNOWNACCESSKEY0001", m.SecretKey())
			},
			advice: regexp.MustCompile(`(?i)the credentials were rejected: check the access key and the secret key`),
		},
	}
}

// authFailureUse is what meets the 401: a resource apply or a data source read.
type authFailureUse struct {
	name    string
	config  func(keyTag string) string
	command func(wd *tfcli.Workdir) tfcli.Result
	summary string // of the error
	address string // where Terraform attaches it
}

func authFailureUses() []authFailureUse {
	apply := func(wd *tfcli.Workdir) tfcli.Result { return wd.Apply() }
	plan := func(wd *tfcli.Workdir) tfcli.Result { return wd.Plan() }
	return []authFailureUse{
		{
			name: "resource apply",
			config: func(string) string {
				return "resource \"ncloudkms_key\" \"test\" {\n  name = \"auth-key\"\n  type = \"AES256\"\n}\n"
			},
			command: apply, summary: summaryAuthenticationFailed, address: "ncloudkms_key.test",
		},
		{
			name: "key data source by tag",
			config: func(tag string) string {
				return fmt.Sprintf("data \"ncloudkms_key\" \"test\" {\n  key_tag = %q\n}\n", tag)
			},
			command: plan, summary: "Key read failed", address: "data.ncloudkms_key.test",
		},
		{
			name:    "key data source by name",
			config:  func(string) string { return "data \"ncloudkms_key\" \"test\" {\n  name = \"seeded-key\"\n}\n" },
			command: plan, summary: "Key lookup failed", address: "data.ncloudkms_key.test",
		},
		{
			name:    "keys data source",
			config:  func(string) string { return "data \"ncloudkms_keys\" \"this\" {}\n" },
			command: plan, summary: "Key listing failed", address: "data.ncloudkms_keys.this",
		},
	}
}

func TestAccAuthFailure_clockAndCredentials(t *testing.T) {
	for _, failure := range authFailures() {
		for _, use := range authFailureUses() {
			t.Run(failure.name+"/"+use.name, func(t *testing.T) {
				t.Parallel()
				m := failure.mock(t)
				seeded := testAccMockKeys(t, m, "seeded-key")[0] // not journaled
				wd := newTFWorkdirWith(t,
					Options{Getenv: mapGetenv(nil), HomeDir: t.TempDir()})
				wd.SetConfig(failure.provider(m) + use.config(seeded.KeyTag))

				res := use.command(wd)
				res.RequireFailure(t)
				errs := res.WithSeverity("error")
				if len(errs) != 1 || errs[0].Summary != use.summary || errs[0].Address != use.address {
					t.Fatalf("want one error %q at %q, got:\n%s", use.summary, use.address, res.Describe())
				}
				if !failure.advice.MatchString(errs[0].Detail) {
					t.Errorf("the error does not say %q:\n%s", failure.advice, errs[0].Detail)
				}
				if !strings.Contains(errs[0].Detail, "HTTP 401") && !strings.Contains(errs[0].Detail, "(HTTP 401, 1 attempt(s))") {
					t.Errorf("the error does not show the 401:\n%s", errs[0].Detail)
				}

				// One request, answered 401, not retried; nothing else was tried.
				journal := m.Journal()
				if len(journal) != 1 || journal[0].Status != http.StatusUnauthorized {
					t.Errorf("want exactly one request, answered 401; journal %+v", journal)
				}
				if keys := m.Keys(); len(keys) != 1 {
					t.Errorf("the mock holds %d keys, want only the seeded one", len(keys))
				}
				t.Logf("%s: %s", errs[0].Summary, errs[0].Detail)
				if out := res.Stdout + res.Stderr; strings.Contains(out, m.SecretKey()) {
					t.Error("the output shows the secret key")
				}
			})
		}
	}
}
