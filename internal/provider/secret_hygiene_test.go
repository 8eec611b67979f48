package provider

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

// With TF_LOG=trace, an apply and a destroy must show neither the secret key, nor any signature
// that was sent, nor the access key; nor may the state hold a credential. The provider runs as the
// real binary, the way Terraform starts it in production (through dev_overrides here), so that
// Terraform captures the plugin's own logs along with its own.

// hygieneConfig is a key that takes several calls to create and to destroy, and a data source.
const hygieneConfig = `
terraform {
  required_providers {
    ncloudkms = {
      source = "ncloudkms/ncloudkms"
    }
  }
}

resource "ncloudkms_key" "this" {
  name                 = "hygiene-key"
  type                 = "AES256"
  memo                 = "secret hygiene"
  rotation_period_days = 30
  enabled              = false
}

data "ncloudkms_keys" "all" {
  depends_on = [ncloudkms_key.this]
}
`

func TestAccSecretHygiene_traceLogsAndState(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 to run the Terraform CLI")
	}
	terraform, err := terraformBinary()
	if err != nil {
		t.Fatal(err)
	}
	pluginDir := buildProviderBinary(t) // examples_test.go

	t.Run("credentials in the provider block", func(t *testing.T) {
		t.Parallel()
		m := newHygieneMock(t)
		provider := fmt.Sprintf("provider \"ncloudkms\" {\n  endpoint   = %q\n  access_key = %q\n  secret_key = %q\n}\n",
			m.URL(), m.AccessKey(), m.SecretKey())
		runHygieneCheck(t, terraform, pluginDir, m, provider+hygieneConfig, nil, false)
	})
	t.Run("credentials in the environment", func(t *testing.T) {
		t.Parallel()
		m := newHygieneMock(t)
		env := []string{"NCLOUD_ACCESS_KEY=" + m.AccessKey(), "NCLOUD_SECRET_KEY=" + m.SecretKey(), "NCLOUD_KMS_ENDPOINT=" + m.URL()}
		runHygieneCheck(t, terraform, pluginDir, m, hygieneConfig, env, true)
	})
}

// newHygieneMock uses credentials made for this run, so that a match cannot be a coincidence. A
// throttled listing and a failed disable make the client log its retry and error paths too.
func newHygieneMock(t *testing.T) *kmsmock.Server {
	m := kmsmock.NewTestServer(t, kmsmock.Options{
		AccessKey:        "HYG" + strings.ToUpper(rand.Text()[:17]),
		SecretKey:        rand.Text() + rand.Text()[:14],
		RecordSignatures: true,
	})
	m.InjectFault(kmsmock.Fault{Method: http.MethodGet, PathSuffix: "/keys", Status: http.StatusTooManyRequests, RetryAfter: 1})
	m.InjectFault(kmsmock.Fault{Method: http.MethodPost, PathSuffix: "/disable", Status: http.StatusServiceUnavailable})
	return m
}

// runHygieneCheck applies and destroys config with TF_LOG=trace and searches everything Terraform
// wrote: stdout, stderr, the TF_LOG_PATH file (when logToFile) and the state files.
func runHygieneCheck(t *testing.T, terraform, pluginDir string, m *kmsmock.Server, config string, extraEnv []string, logToFile bool) {
	dir := t.TempDir()
	cliConfig := filepath.Join(dir, "dev.tfrc")
	// Without a host, the source is the one the CLI resolves the configuration's to (registry.terraform.io
	// or registry.opentofu.org).
	overrides := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n",
		"ncloudkms/ncloudkms", pluginDir)
	if err := os.WriteFile(cliConfig, []byte(overrides), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}

	var scanned []hygieneText
	for _, command := range [][]string{{"apply", "-auto-approve", "-input=false"}, {"destroy", "-auto-approve", "-input=false"}} {
		logFile := ""
		if logToFile {
			logFile = filepath.Join(dir, command[0]+".log")
		}
		stdout, stderr := runTerraformWithTrace(t, terraform, dir, cliConfig, logFile, extraEnv, command...)
		scanned = append(scanned, hygieneText{"terraform " + command[0] + " stdout", stdout},
			hygieneText{"terraform " + command[0] + " stderr", stderr})
		if logFile != "" {
			data, err := os.ReadFile(logFile)
			if err != nil {
				t.Fatal(err)
			}
			scanned = append(scanned, hygieneText{"TF_LOG_PATH of " + command[0], string(data)})
		}
		for _, state := range []string{"terraform.tfstate", "terraform.tfstate.backup"} {
			if data, err := os.ReadFile(filepath.Join(dir, state)); err == nil {
				scanned = append(scanned, hygieneText{state + " after " + command[0], string(data)})
			}
		}
	}

	// The check means something only if the provider's own logs are in the output and the mock saw
	// every call signed.
	journal, signatures := m.Journal(), m.Signatures()
	if len(journal) < 8 || len(signatures) != len(journal) {
		t.Fatalf("want every call signed: %d calls, %d signatures", len(journal), len(signatures))
	}
	logs := ""
	for _, text := range scanned {
		logs += text.text
	}
	if got := strings.Count(logs, "NCloud KMS API request"); got < len(journal) {
		t.Fatalf("the output has %d provider request log lines for %d calls: the provider's logs were not captured", got, len(journal))
	}
	for _, want := range []string{"Configured the NCloud KMS client", "tf_rpc", "status=429", "status=503"} {
		if !strings.Contains(logs, want) {
			t.Fatalf("the output lacks %q: the provider's logs were not all captured", want)
		}
	}

	secrets := []hygieneSecret{{"secret key", m.SecretKey()}, {"access key", m.AccessKey()}}
	for i, signature := range signatures {
		secrets = append(secrets, hygieneSecret{fmt.Sprintf("signature %d", i+1), signature})
	}
	total := 0
	for _, text := range scanned {
		total += len(text.text)
		for _, secret := range secrets {
			if where := secret.findIn(text.text); where != "" {
				t.Errorf("%s shows the %s: …%s…", text.name, secret.name, where)
			}
		}
	}
	t.Logf("scanned %d bytes in %d texts for %d secrets (%d calls, %d provider request log lines)",
		total, len(scanned), len(secrets), len(journal), strings.Count(logs, "NCloud KMS API request"))
}

type hygieneText struct{ name, text string }

type hygieneSecret struct{ name, value string }

// findIn looks for the secret as written, JSON-escaped and URL-escaped, and for any 12 characters
// of it in a row (a truncated or split copy); it returns the surroundings of a match, masked.
func (s hygieneSecret) findIn(text string) string {
	quoted, _ := json.Marshal(s.value)
	forms := []string{s.value, strings.Trim(string(quoted), `"`), url.QueryEscape(s.value), url.PathEscape(s.value)}
	const window = 12
	for i := 0; i+window <= len(s.value); i++ {
		forms = append(forms, s.value[i:i+window])
	}
	for _, form := range forms {
		if at := strings.Index(text, form); at >= 0 {
			start, end := max(at-60, 0), min(at+len(form)+60, len(text))
			return strings.ReplaceAll(text[start:end], form, "<"+s.name+">")
		}
	}
	return ""
}

// runTerraformWithTrace runs one command with TF_LOG=trace and the dev_overrides CLI configuration;
// it fails the test when the command fails.
func runTerraformWithTrace(t *testing.T, terraform, dir, cliConfig, logFile string, extraEnv []string, args ...string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), tfCommandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, terraform, args...)
	cmd.Dir = dir
	cmd.Env = append(withoutLogSettings(cliEnvironment()),
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"TF_LOG=trace",
	)
	if logFile != "" {
		cmd.Env = append(cmd.Env, "TF_LOG_PATH="+logFile)
	}
	cmd.Env = append(cmd.Env, extraEnv...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("terraform %s: %v\nstdout:\n%s\nstderr (last 4000 bytes):\n%s", strings.Join(args, " "), err,
			stdout.String(), lastBytes(stderr.String(), 4000))
	}
	return stdout.String(), stderr.String()
}

// withoutLogSettings drops the variables that would send logs elsewhere or change their level.
func withoutLogSettings(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "TF_LOG") {
			out = append(out, kv)
		}
	}
	return out
}

func lastBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}
