package provider

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// With TF_LOG=trace, an apply and a destroy must show neither the secret key, nor any signature
// that was sent, nor the access key; nor may the state hold a credential. With the crypto
// resources, no plaintext, given or answered (decrypted plaintexts, data keys), may show in the
// output, the logs, a saved plan or the state. The provider runs as the
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

resource "ncloudkms_key" "test" {
  name                 = "hygiene-key"
  type                 = "AES256"
  memo                 = "secret hygiene"
  rotation_period_days = 30
  enabled              = false
}

data "ncloudkms_keys" "all" {
  depends_on = [ncloudkms_key.test]
}
`

func TestAccSecretHygiene_traceLogsAndState(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 to run the Terraform CLI")
	}
	terraform, err := tfcli.Binary()
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
	t.Run("plaintexts and data keys", func(t *testing.T) {
		t.Parallel()
		cli, err := tfcli.Detect(terraform)
		if err != nil {
			t.Fatal(err)
		}
		for _, need := range []tfcli.Feature{featureEphemeralResources, featureWriteOnlyArguments} {
			if !cli.Supports(need) {
				t.Skip(need.SkipReason(cli))
			}
		}
		runCryptoHygieneCheck(t, terraform, pluginDir)
	})
}

// hygieneCryptoConfig uses every crypto feature: a plaintext from an ephemeral variable encrypted
// with plaintext_wo, decrypted into an ephemeral value and encrypted again with another key, a
// data key sealed twice, a plaintext kept in the state (plaintext), a public key and the function.
const hygieneCryptoConfig = `
variable "secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "stored_secret" {
  type      = string
  sensitive = true
}

resource "ncloudkms_ciphertext" "secret" {
  key_tag              = var.aes_key
  plaintext_wo         = var.secret
  plaintext_wo_version = 1
  context              = "hygiene"
}

ephemeral "ncloudkms_decrypt" "secret" {
  key_tag    = ncloudkms_ciphertext.secret.key_tag
  ciphertext = ncloudkms_ciphertext.secret.ciphertext
  context    = "hygiene"
}

resource "ncloudkms_ciphertext" "copy" {
  key_tag              = var.rsa_key
  plaintext_wo         = ephemeral.ncloudkms_decrypt.secret.plaintext
  plaintext_wo_version = 1
}

ephemeral "ncloudkms_data_key" "envelope" {
  key_tag = var.aes_key
  bits    = 512
  context = "hygiene"
}

ephemeral "ncloudkms_decrypt" "data_key" {
  key_tag    = var.aes_key
  ciphertext = ephemeral.ncloudkms_data_key.envelope.ciphertext
  context    = "hygiene"
  binary     = true
}

resource "ncloudkms_ciphertext" "data_key" {
  key_tag              = var.aes_key
  plaintext_wo         = ephemeral.ncloudkms_data_key.envelope.plaintext
  plaintext_wo_version = 1
}

resource "ncloudkms_ciphertext" "data_key_again" {
  key_tag              = var.rsa_key
  plaintext_wo         = ephemeral.ncloudkms_decrypt.data_key.plaintext_base64
  plaintext_wo_version = 1
}

resource "ncloudkms_ciphertext" "stored" {
  key_tag   = var.aes_key
  plaintext = var.stored_secret
}

data "ncloudkms_public_key" "rsa" {
  key_tag = var.rsa_key
}

output "versions" {
  value = [for c in [ncloudkms_ciphertext.secret, ncloudkms_ciphertext.copy] : provider::ncloudkms::ciphertext_version(c.ciphertext)]
}

output "public_key" {
  value = data.ncloudkms_public_key.rsa.public_key_pem
}
`

// runCryptoHygieneCheck plans to a file, applies the plan and destroys, with TF_LOG=trace, the
// provider reaching the mock through a proxy that keeps every plaintext and data key the API
// answers. No plaintext given or answered may show in the output, the logs, the plan file or the
// state; the one given in plaintext (stored in the state by design) not in the output or logs.
// Throttled and failed crypto calls make the client log its retry paths too.
func runCryptoHygieneCheck(t *testing.T, terraform, pluginDir string) {
	m := kmsmock.NewTestServer(t, kmsmock.Options{
		AccessKey:        "HYG" + strings.ToUpper(rand.Text()[:17]),
		SecretKey:        rand.Text() + rand.Text()[:14],
		RecordSignatures: true,
	})
	aes := testAccMockKey(t, m, kmsmock.KeySpec{Name: "hygiene-aes", Type: "AES256"})
	rsa := testAccMockKey(t, m, kmsmock.KeySpec{Name: "hygiene-rsa", Type: "RSA2048"})
	m.InjectFault(kmsmock.Fault{Method: http.MethodPost, PathSuffix: "/encrypt", Status: http.StatusServiceUnavailable})
	m.InjectFault(kmsmock.Fault{Method: http.MethodPost, PathSuffix: "/decrypt", Status: http.StatusTooManyRequests, RetryAfter: 1})
	m.InjectFault(kmsmock.Fault{Method: http.MethodPost, PathSuffix: "/create-custom-key", Status: http.StatusBadGateway})
	endpoint, answered := newPlaintextRecordingProxy(t, m)

	secret, stored := "hygiene-secret-"+rand.Text(), "hygiene-stored-"+rand.Text()
	config := fmt.Sprintf("terraform {\n  required_providers {\n    ncloudkms = {\n      source = \"ncloudkms/ncloudkms\"\n    }\n  }\n}\n\n"+
		"provider \"ncloudkms\" {\n  endpoint = %q\n}\n\n"+
		"variable \"aes_key\" {\n  default = %q\n}\n\nvariable \"rsa_key\" {\n  default = %q\n}\n",
		endpoint, aes.KeyTag, rsa.KeyTag) + hygieneCryptoConfig
	// The plan file holds the configuration: credentials and plaintexts come from the environment.
	env := []string{"NCLOUD_ACCESS_KEY=" + m.AccessKey(), "NCLOUD_SECRET_KEY=" + m.SecretKey(),
		"TF_VAR_secret=" + secret, "TF_VAR_stored_secret=" + stored}

	runHygiene(t, hygieneRun{terraform: terraform, pluginDir: pluginDir, mock: m, config: config, env: env, logToFile: true,
		commands: [][]string{
			{"plan", "-out=tfplan", "-input=false"},
			{"apply", "-input=false", "tfplan"},
			{"destroy", "-auto-approve", "-input=false"},
		},
		wantLogs: []string{"status=503", "status=429", "status=502", "/encrypt", "/decrypt", "/create-custom-key", "/get-pub-key"},
		minCalls: 12,
		secrets: func(string) []hygieneSecret {
			secrets := []hygieneSecret{
				{name: "plaintext of plaintext_wo", value: secret},
				{name: "plaintext of plaintext_wo in Base64", value: base64.StdEncoding.EncodeToString([]byte(secret))},
				{name: "plaintext of plaintext", value: stored, storedByDesign: true},
				{name: "plaintext of plaintext in Base64", value: base64.StdEncoding.EncodeToString([]byte(stored)), storedByDesign: true},
			}
			dataKeys := 0
			for i, plaintext := range answered() {
				secrets = append(secrets, hygieneSecret{name: fmt.Sprintf("plaintext answered by the API %d", i+1), value: plaintext})
				if raw, err := base64.StdEncoding.DecodeString(plaintext); err == nil && len(raw) == 64 {
					dataKeys++
				}
			}
			// Data keys are made by every plan and every apply (the one in the plan file's plan and
			// the one applied differ), and opened by ncloudkms_decrypt.
			if dataKeys < 2 {
				t.Fatalf("the API answered %d data keys, want one per plan and apply at least", dataKeys)
			}
			return secrets
		},
	})
}

// newPlaintextRecordingProxy serves the mock's API through a proxy that keeps the plaintext field
// of every answer (decrypt, create-custom-key), as the API sent it (Base64); it returns the
// endpoint for the provider and a function that lists the plaintexts kept so far.
func newPlaintextRecordingProxy(t *testing.T, m *kmsmock.Server) (string, func() []string) {
	target, err := url.Parse(m.URL())
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var plaintexts []string
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: target.Scheme, Host: target.Host})
	proxy.ModifyResponse = func(resp *http.Response) error {
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		var answer struct {
			Data struct {
				Plaintext json.RawMessage `json:"plaintext"`
			} `json:"data"`
		}
		_ = json.Unmarshal(body, &answer) // a body that is not JSON has no plaintext field either
		if answer.Data.Plaintext == nil {
			return nil
		}
		var one string
		var list []string
		if json.Unmarshal(answer.Data.Plaintext, &one) == nil {
			list = []string{one}
		} else if json.Unmarshal(answer.Data.Plaintext, &list) != nil {
			return fmt.Errorf("unexpected plaintext field %s", answer.Data.Plaintext)
		}
		mu.Lock()
		plaintexts = append(plaintexts, list...)
		mu.Unlock()
		return nil
	}
	server := httptest.NewServer(proxy)
	t.Cleanup(server.Close)
	return server.URL + target.Path, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(plaintexts)
	}
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
	runHygiene(t, hygieneRun{terraform: terraform, pluginDir: pluginDir, mock: m, config: config, env: extraEnv,
		logToFile: logToFile, wantLogs: []string{"status=429", "status=503"}, minCalls: 8,
		commands: [][]string{{"apply", "-auto-approve", "-input=false"}, {"destroy", "-auto-approve", "-input=false"}}})
}

// hygieneRun is one run of Terraform commands with TF_LOG=trace, and what to look for.
type hygieneRun struct {
	terraform, pluginDir string
	mock                 *kmsmock.Server
	config               string
	env                  []string   // more environment variables
	logToFile            bool       // logs go to a TF_LOG_PATH file (else to stderr)
	commands             [][]string // each one terraform command line; a plan file "tfplan" is searched too
	wantLogs             []string   // lines the provider logs on its way, which the output must hold
	minCalls             int        // the fewest API calls the run makes
	// secrets returns more secrets to look for, once the commands have run.
	secrets func(dir string) []hygieneSecret
}

// runHygiene runs the commands in a new folder and searches everything Terraform wrote: stdout,
// stderr, the TF_LOG_PATH file (when logToFile), the state files and every file of the plan file.
func runHygiene(t *testing.T, run hygieneRun) {
	dir := t.TempDir()
	cliConfig := filepath.Join(dir, "dev.tfrc")
	// Without a host, the source is the one the CLI resolves the configuration's to (registry.terraform.io
	// or registry.opentofu.org).
	overrides := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n",
		"ncloudkms/ncloudkms", run.pluginDir)
	if err := os.WriteFile(cliConfig, []byte(overrides), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(run.config), 0o600); err != nil {
		t.Fatal(err)
	}

	var scanned []hygieneText
	for _, command := range run.commands {
		logFile := ""
		if run.logToFile {
			logFile = filepath.Join(dir, command[0]+".log")
		}
		stdout, stderr := runTerraformWithTrace(t, run.terraform, dir, cliConfig, logFile, run.env, command...)
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
	scanned = append(scanned, planFileTexts(t, filepath.Join(dir, "tfplan"))...)

	// The check means something only if the provider's own logs are in the output and the mock saw
	// every call signed.
	journal, signatures := run.mock.Journal(), run.mock.Signatures()
	if len(journal) < run.minCalls || len(signatures) != len(journal) {
		t.Fatalf("want every call signed: %d calls, %d signatures", len(journal), len(signatures))
	}
	logs := ""
	for _, text := range scanned {
		logs += text.text
	}
	if got := strings.Count(logs, "NCloud KMS API request"); got < len(journal) {
		t.Fatalf("the output has %d provider request log lines for %d calls: the provider's logs were not captured", got, len(journal))
	}
	for _, want := range append([]string{"Configured the NCloud KMS client", "tf_rpc"}, run.wantLogs...) {
		if !strings.Contains(logs, want) {
			t.Fatalf("the output lacks %q: the provider's logs were not all captured", want)
		}
	}

	secrets := []hygieneSecret{{name: "secret key", value: run.mock.SecretKey()}, {name: "access key", value: run.mock.AccessKey()}}
	for i, signature := range signatures {
		secrets = append(secrets, hygieneSecret{name: fmt.Sprintf("signature %d", i+1), value: signature})
	}
	if run.secrets != nil {
		secrets = append(secrets, run.secrets(dir)...)
	}
	total := 0
	for _, text := range scanned {
		total += len(text.text)
		for _, secret := range secrets {
			if secret.storedByDesign && (strings.HasPrefix(text.name, "terraform.tfstate") || strings.HasPrefix(text.name, "plan file")) {
				continue
			}
			if where := secret.findIn(text.text); where != "" {
				t.Errorf("%s shows the %s: …%s…", text.name, secret.name, where)
			}
		}
	}
	t.Logf("scanned %d bytes in %d texts for %d secrets (%d calls, %d provider request log lines)",
		total, len(scanned), len(secrets), len(journal), strings.Count(logs, "NCloud KMS API request"))
}

// planFileTexts returns every file of a saved plan (a zip archive: the plan, the state snapshots,
// the configuration), uncompressed; none when there is no plan file.
func planFileTexts(t *testing.T, path string) []hygieneText {
	archive, err := zip.OpenReader(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer archive.Close()
	var texts []hygieneText
	for _, f := range archive.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, hygieneText{"plan file " + f.Name, string(data)})
	}
	return texts
}

type hygieneText struct{ name, text string }

type hygieneSecret struct {
	name, value string
	// storedByDesign: the state and the plan hold it (plaintext of ncloudkms_ciphertext, sensitive);
	// only the output and the logs must not.
	storedByDesign bool
}

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
// it fails the test when the command fails. It runs the CLI itself: tfexec clears TF_LOG unless the
// log goes to a file, and these runs also search the trace Terraform writes to stderr.
func runTerraformWithTrace(t *testing.T, terraform, dir, cliConfig, logFile string, extraEnv []string, args ...string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), tfcli.CommandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, terraform, args...)
	cmd.Dir = dir
	cmd.Env = append(withoutLogSettings(tfcli.Environment()),
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
