package provider

// A small harness that runs the real Terraform CLI against the provider served by this test
// process, for what terraform-plugin-testing cannot show: warnings, and diagnostics of a plan
// that is expected to fail, each with its resource address.
//
// How it works: before each Terraform command the harness builds a new provider instance (one
// Terraform command = one provider process, as in production), serves it with tf6server in
// debug mode and hands its reattach address to Terraform in TF_REATTACH_PROVIDERS, the way
// terraform-plugin-testing does. `terraform init` then installs nothing and no network is used.
// Commands run with -json; every line is parsed, and diagnostics are kept in order.
//
// Usage:
//
//	wd := newTFWorkdir(t)                    // skips unless TF_ACC is set; own temp dir
//	wd.SetConfig(testAccProviderConfig(mock) + `resource "ncloudkms_key" "this" { ... }`)
//	res := wd.Apply()                        // terraform apply -auto-approve -json (init runs first, once)
//	res.RequireSuccess(t)
//	res = wd.Plan("-destroy")                // terraform plan -json -destroy
//	res.Diagnostics                          // []tfDiagnostic{Severity, Summary, Detail, Address}
//	wd.Destroy()                             // terraform destroy -auto-approve -json
//	wd.StateResource("ncloudkms_key.this")   // attributes from terraform.tfstate, nil when absent
//	wd.SkipWithout(featureRemovedBlocks)     // skips the test on a CLI without removed blocks
//	p := wd.Start("apply", "-auto-approve")  // runs in the background: p.Cmd.Process.Signal(os.Interrupt)
//	res = p.Wait()                           // its tfResult (exit code -1 when a signal ended it)
//
// The CLI is TF_ACC_TERRAFORM_PATH, else `terraform` on PATH: Terraform or OpenTofu, told apart by
// `version` (newTFWorkdirOn takes another one). The provider is reattached under the registry host
// that CLI resolves `ncloudkms/ncloudkms` and the implied `hashicorp/ncloudkms` to
// (registry.terraform.io or registry.opentofu.org), and under TF_ACC_PROVIDER_HOST /
// TF_ACC_PROVIDER_NAMESPACE when they are set, as terraform-plugin-testing does. The CLI runs with
// CHECKPOINT_DISABLE=1, TF_IN_AUTOMATION=1, TF_INPUT=0 and an empty CLI configuration file, so
// a developer's ~/.terraformrc (dev_overrides, plugin cache) cannot change the outcome.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// tfCommandTimeout bounds one Terraform command, so a hung provider fails the test instead of the run.
const tfCommandTimeout = 5 * time.Minute

// tfWorkdir is one Terraform working directory with its own state.
type tfWorkdir struct {
	t           *testing.T
	dir         string
	cli         *tfCLI
	newProvider func() (tfprotov6.ProviderServer, error)
	initialized bool
}

// tfDiagnostic is one diagnostic of a -json run. Address is the resource address Terraform
// attached (empty for diagnostics that belong to no resource).
type tfDiagnostic struct {
	Severity string `json:"severity"` // "warning" or "error"
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Address  string `json:"address"`
}

func (d tfDiagnostic) String() string {
	return fmt.Sprintf("%s %q at %q", d.Severity, d.Summary, d.Address)
}

// tfMessage is one line of Terraform's machine-readable UI.
type tfMessage struct {
	Level      string          `json:"@level"`
	Message    string          `json:"@message"`
	Type       string          `json:"type"`
	Diagnostic *tfDiagnostic   `json:"diagnostic"`
	Raw        json.RawMessage `json:"-"`
}

// tfResult is what one Terraform command did.
type tfResult struct {
	Command     string
	ExitCode    int
	Messages    []tfMessage    // every JSON line, in order
	Diagnostics []tfDiagnostic // the diagnostics among them, in order
	Stdout      string         // raw output, for failure messages
	Stderr      string
}

// Failed reports a non-zero exit.
func (r tfResult) Failed() bool { return r.ExitCode != 0 }

// RequireSuccess stops the test when the command failed, showing its diagnostics.
func (r tfResult) RequireSuccess(t *testing.T) {
	t.Helper()
	if r.Failed() {
		t.Fatalf("terraform %s failed (exit %d):\n%s", r.Command, r.ExitCode, r.describe())
	}
}

// RequireFailure stops the test when the command succeeded.
func (r tfResult) RequireFailure(t *testing.T) {
	t.Helper()
	if !r.Failed() {
		t.Fatalf("terraform %s succeeded, want a failure:\n%s", r.Command, r.describe())
	}
}

// WithSeverity returns the diagnostics of one severity ("warning" or "error").
func (r tfResult) WithSeverity(severity string) []tfDiagnostic {
	var out []tfDiagnostic
	for _, d := range r.Diagnostics {
		if d.Severity == severity {
			out = append(out, d)
		}
	}
	return out
}

// Find returns the first diagnostic with that severity and summary, or nil.
func (r tfResult) Find(severity, summary string) *tfDiagnostic {
	for i, d := range r.Diagnostics {
		if d.Severity == severity && d.Summary == summary {
			return &r.Diagnostics[i]
		}
	}
	return nil
}

func (r tfResult) describe() string {
	var b strings.Builder
	for _, d := range r.Diagnostics {
		fmt.Fprintf(&b, "  %s\n    %s\n", d, strings.ReplaceAll(d.Detail, "\n", "\n    "))
	}
	if len(r.Diagnostics) == 0 {
		fmt.Fprintf(&b, "stdout:\n%s\n", r.Stdout)
	}
	if strings.TrimSpace(r.Stderr) != "" {
		fmt.Fprintf(&b, "stderr:\n%s\n", r.Stderr)
	}
	return b.String()
}

// newTFWorkdir prepares a working directory for the provider built with default options.
// It skips the test unless TF_ACC is set, and fails it when no Terraform binary is found.
func newTFWorkdir(t *testing.T) *tfWorkdir {
	t.Helper()
	return newTFWorkdirWithProvider(t, testAccProtoV6ProviderFactories()["ncloudkms"])
}

// newTFWorkdirWithProvider is newTFWorkdir with another provider factory (for instance one built
// with testAccProtoV6ProviderFactoriesWith). The factory is called once per Terraform command.
func newTFWorkdirWithProvider(t *testing.T, newProvider func() (tfprotov6.ProviderServer, error)) *tfWorkdir {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 to run the Terraform CLI")
	}
	return newTFWorkdirOn(t, cliUnderTest(t), newProvider)
}

// newTFWorkdirOn is newTFWorkdirWithProvider on a given CLI (see detectCLI), for tests that run
// more than one CLI. It does not look at TF_ACC.
func newTFWorkdirOn(t *testing.T, cli *tfCLI, newProvider func() (tfprotov6.ProviderServer, error)) *tfWorkdir {
	t.Helper()
	dir := t.TempDir()
	// An empty CLI configuration keeps the developer's own one out of the test.
	if err := os.WriteFile(filepath.Join(dir, ".terraformrc"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return &tfWorkdir{t: t, dir: dir, cli: cli, newProvider: newProvider}
}

// CLI is the Terraform or OpenTofu binary this working directory runs.
func (w *tfWorkdir) CLI() *tfCLI { return w.cli }

// terraformBinary is the path of the CLI under test: TF_ACC_TERRAFORM_PATH, else `terraform` on
// PATH, as terraform-plugin-testing picks it.
func terraformBinary() (string, error) {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p, nil
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		return "", fmt.Errorf("no Terraform CLI: put terraform on PATH or set TF_ACC_TERRAFORM_PATH: %w", err)
	}
	return p, nil
}

// Dir is the working directory, for tests that write more files.
func (w *tfWorkdir) Dir() string { return w.dir }

// SetConfig replaces the configuration (main.tf).
func (w *tfWorkdir) SetConfig(hcl string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(hcl), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// Apply runs `terraform apply -auto-approve -json` with extra args.
func (w *tfWorkdir) Apply(args ...string) tfResult {
	w.t.Helper()
	return w.Run("apply", append([]string{"-auto-approve"}, args...)...)
}

// Plan runs `terraform plan -json` with extra args (e.g. "-destroy").
func (w *tfWorkdir) Plan(args ...string) tfResult {
	w.t.Helper()
	return w.Run("plan", args...)
}

// Destroy runs `terraform destroy -auto-approve -json` with extra args.
func (w *tfWorkdir) Destroy(args ...string) tfResult {
	w.t.Helper()
	return w.Run("destroy", append([]string{"-auto-approve"}, args...)...)
}

// Run runs one Terraform command with -json (after init, on first use) against a fresh provider instance.
func (w *tfWorkdir) Run(command string, args ...string) tfResult {
	w.t.Helper()
	w.init()
	return w.run(command, append([]string{"-json", "-input=false"}, args...)...)
}

// init runs terraform init once per working directory.
func (w *tfWorkdir) init() {
	w.t.Helper()
	if w.initialized {
		return
	}
	res := w.run("init", "-input=false", "-no-color")
	if res.Failed() {
		w.t.Fatalf("terraform init failed (exit %d):\n%s\n%s", res.ExitCode, res.Stdout, res.Stderr)
	}
	w.initialized = true
}

func (w *tfWorkdir) run(command string, args ...string) tfResult {
	w.t.Helper()
	return w.start(command, args...).Wait()
}

// tfProcess is a Terraform command that is still running, for tests that signal it (Cmd.Process).
type tfProcess struct {
	Cmd            *exec.Cmd
	w              *tfWorkdir
	command        string
	stdout, stderr *bytes.Buffer
	ctx            context.Context // ends at tfCommandTimeout
	cancel         context.CancelFunc
	stopProvider   func()
}

// Start starts one Terraform command with -json like Run (init first, on first use) and returns
// without waiting for it; Wait collects its result.
func (w *tfWorkdir) Start(command string, args ...string) *tfProcess {
	w.t.Helper()
	w.init()
	return w.start(command, append([]string{"-json", "-input=false"}, args...)...)
}

func (w *tfWorkdir) start(command string, args ...string) *tfProcess {
	w.t.Helper()
	reattach, stop := serveProviderForCLI(w.t, w.newProvider, w.cli.ProviderSources())

	ctx, cancel := context.WithTimeout(context.Background(), tfCommandTimeout)
	cmd := exec.CommandContext(ctx, w.cli.Path, append([]string{command}, args...)...)
	cmd.Dir = w.dir
	cmd.Env = append(cliEnvironment(),
		"TF_CLI_CONFIG_FILE="+filepath.Join(w.dir, ".terraformrc"),
		"TF_REATTACH_PROVIDERS="+reattach,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
	)
	p := &tfProcess{Cmd: cmd, w: w, command: strings.Join(append([]string{command}, args...), " "),
		stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, ctx: ctx, cancel: cancel, stopProvider: stop}
	cmd.Stdout, cmd.Stderr = p.stdout, p.stderr
	if err := cmd.Start(); err != nil {
		cancel()
		stop()
		w.t.Fatalf("terraform %s did not start: %v", p.command, err)
	}
	return p
}

// Wait waits for the command to end and returns what it did. A command ended by a signal has
// exit code -1.
func (p *tfProcess) Wait() tfResult {
	p.w.t.Helper()
	defer p.stopProvider()
	defer p.cancel()
	err := p.Cmd.Wait()

	res := tfResult{Command: p.command, Stdout: p.stdout.String(), Stderr: p.stderr.String()}
	if err != nil {
		exitErr, ok := err.(*exec.ExitError)
		if !ok || p.ctx.Err() != nil {
			p.w.t.Fatalf("terraform %s did not finish: %v\n%s\n%s", res.Command, err, res.Stdout, res.Stderr)
		}
		res.ExitCode = exitErr.ExitCode()
	}
	res.Messages = parseTFMessages(res.Stdout)
	for _, m := range res.Messages {
		if m.Type == "diagnostic" && m.Diagnostic != nil {
			res.Diagnostics = append(res.Diagnostics, *m.Diagnostic)
		}
	}
	return res
}

// cliEnvironment is this process's environment without the variables that would change what
// Terraform does (they are set per command instead).
func cliEnvironment() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "TF_CLI_ARGS"), name == "TF_WORKSPACE", name == "TF_DATA_DIR",
			name == "TF_REATTACH_PROVIDERS", name == "TF_CLI_CONFIG_FILE", name == "TF_PLUGIN_CACHE_DIR",
			name == "TF_INPUT", name == "TF_IN_AUTOMATION", name == "CHECKPOINT_DISABLE":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// parseTFMessages reads the JSON lines of a -json run; other lines are skipped.
func parseTFMessages(stdout string) []tfMessage {
	var out []tfMessage
	scanner := bufio.NewScanner(strings.NewReader(stdout))
	scanner.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for scanner.Scan() {
		line := bytes.TrimSpace(scanner.Bytes())
		if len(line) == 0 || line[0] != '{' {
			continue
		}
		var m tfMessage
		if json.Unmarshal(line, &m) != nil {
			continue
		}
		m.Raw = append(json.RawMessage(nil), line...)
		out = append(out, m)
	}
	return out
}

// serveProviderForCLI serves one new provider instance in this process and returns the value of
// TF_REATTACH_PROVIDERS that points Terraform at it under each of the given source addresses, and
// a function that stops it.
func serveProviderForCLI(t *testing.T, newProvider func() (tfprotov6.ProviderServer, error), sources []string) (string, func()) {
	t.Helper()
	server, err := newProvider()
	if err != nil {
		t.Fatalf("building the provider: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	configs := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	serveErr := make(chan error, 1)
	go func() {
		serveErr <- tf6server.Serve(sources[0], func() tfprotov6.ProviderServer { return server },
			tf6server.WithDebug(ctx, configs, closed),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
			tf6server.WithLoggingSink(t),
		)
	}()

	var config *plugin.ReattachConfig
	select {
	case config = <-configs:
	case err := <-serveErr:
		cancel()
		t.Fatalf("serving the provider: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("serving the provider: no reattach configuration after 30s")
	}

	type reattachAddr struct{ Network, String string }
	type reattachConfig struct {
		Protocol        string
		ProtocolVersion int
		Pid             int
		Test            bool
		Addr            reattachAddr
	}
	providers := map[string]reattachConfig{}
	for _, source := range sources {
		providers[source] = reattachConfig{
			Protocol:        string(config.Protocol),
			ProtocolVersion: config.ProtocolVersion,
			Pid:             config.Pid,
			Test:            config.Test,
			Addr:            reattachAddr{Network: config.Addr.Network(), String: config.Addr.String()},
		}
	}
	reattach, err := json.Marshal(providers)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			<-closed
		})
	}
	return string(reattach), stop
}

// StateResource returns the attributes of a resource instance in terraform.tfstate ("type.name",
// or "type.name[0]" / `type.name["k"]` for counted ones), or nil when the state does not have it.
func (w *tfWorkdir) StateResource(address string) map[string]any {
	w.t.Helper()
	raw, err := os.ReadFile(filepath.Join(w.dir, "terraform.tfstate"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		w.t.Fatal(err)
	}
	var state struct {
		Resources []struct {
			Mode, Type, Name string
			Module           string
			Instances        []struct {
				IndexKey   any            `json:"index_key"`
				Attributes map[string]any `json:"attributes"`
			}
		}
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		w.t.Fatalf("reading terraform.tfstate: %v", err)
	}
	for _, r := range state.Resources {
		if r.Mode != "managed" || r.Module != "" {
			continue
		}
		for _, inst := range r.Instances {
			if instanceAddress(r.Type, r.Name, inst.IndexKey) == address {
				return inst.Attributes
			}
		}
	}
	return nil
}

func instanceAddress(resourceType, name string, key any) string {
	base := resourceType + "." + name
	switch k := key.(type) {
	case nil:
		return base
	case float64:
		return base + "[" + strconv.FormatFloat(k, 'f', -1, 64) + "]"
	case string:
		return base + "[" + strconv.Quote(k) + "]"
	default:
		return fmt.Sprintf("%s[%v]", base, k)
	}
}

// The CLIs a test process runs are told apart once each, by the first line of `version`:
// "Terraform v1.11.4" or "OpenTofu v1.12.6" (`version -json` looks the same for both).

const (
	productTerraform = "Terraform"
	productOpenTofu  = "OpenTofu"
)

// tfCLI is one Terraform or OpenTofu binary and what it says it is.
type tfCLI struct {
	Path    string
	Product string // productTerraform or productOpenTofu
	Version *version.Version
}

func (c *tfCLI) String() string { return c.Product + " " + c.Version.String() }

// IsOpenTofu reports whether the CLI is OpenTofu.
func (c *tfCLI) IsOpenTofu() bool { return c.Product == productOpenTofu }

// RegistryHost is the host the CLI resolves a source address without one to: a configuration's
// "ncloudkms/ncloudkms" is registry.opentofu.org/ncloudkms/ncloudkms under OpenTofu.
func (c *tfCLI) RegistryHost() string {
	if c.IsOpenTofu() {
		return "registry.opentofu.org"
	}
	return "registry.terraform.io"
}

// ProviderSources are the addresses a configuration may use for this provider on this CLI: with a
// required_providers block (ncloudkms/ncloudkms) or without one (hashicorp/ncloudkms), on the
// CLI's registry host, plus TF_ACC_PROVIDER_HOST and TF_ACC_PROVIDER_NAMESPACE when they are set.
func (c *tfCLI) ProviderSources() []string {
	hosts := []string{c.RegistryHost()}
	if h := strings.TrimSuffix(os.Getenv("TF_ACC_PROVIDER_HOST"), "/"); h != "" && h != hosts[0] {
		hosts = append(hosts, h)
	}
	namespaces := []string{"ncloudkms", "hashicorp"}
	if ns := strings.TrimSuffix(os.Getenv("TF_ACC_PROVIDER_NAMESPACE"), "/"); ns != "" && ns != "ncloudkms" && ns != "hashicorp" {
		namespaces = append(namespaces, ns)
	}
	var sources []string
	for _, h := range hosts {
		for _, ns := range namespaces {
			sources = append(sources, h+"/"+ns+"/ncloudkms")
		}
	}
	return sources
}

// Supports reports whether the CLI has the feature. Prereleases count as their release, as in
// terraform-plugin-testing's tfversion checks.
func (c *tfCLI) Supports(f cliFeature) bool {
	minimum := f.Terraform
	if c.IsOpenTofu() {
		minimum = f.OpenTofu
	}
	if minimum == "" {
		return false
	}
	return !c.Version.Core().LessThan(version.Must(version.NewVersion(minimum)))
}

// SkipWithout skips the test when the working directory's CLI lacks the feature, naming it.
func (w *tfWorkdir) SkipWithout(f cliFeature) {
	w.t.Helper()
	if !w.cli.Supports(f) {
		w.t.Skip(f.skipReason(w.cli))
	}
}

// SkipBelow skips the test when the CLI is older than minimum ("1.7.0"), saying why. Tests gate on
// a cliFeature with SkipWithout instead, so that the README's version table stays true
// (TestCLIFeatures_testsGateOnTheTable); this is kept for code not yet converted.
func (w *tfWorkdir) SkipBelow(minimum, why string) {
	w.t.Helper()
	if w.cli.Version.Core().LessThan(version.Must(version.NewVersion(minimum))) {
		w.t.Skipf("%s is older than %s, which %s needs", w.cli, minimum, why)
	}
}

// cliVersionLine is the first line of `terraform version` and `tofu version`.
var cliVersionLine = regexp.MustCompile(`^(Terraform|OpenTofu) v(\S+)`)

type cliDetection struct {
	once sync.Once
	cli  *tfCLI
	err  error
}

// detectedCLIs holds one *cliDetection per binary path.
var detectedCLIs sync.Map

// detectCLI runs `PATH version` once per test process and says which CLI it is.
func detectCLI(path string) (*tfCLI, error) {
	v, _ := detectedCLIs.LoadOrStore(path, &cliDetection{})
	d := v.(*cliDetection)
	d.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, path, "version")
		cmd.Env = append(cliEnvironment(), "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE="+os.DevNull)
		out, err := cmd.Output()
		if err != nil {
			d.err = fmt.Errorf("%s version: %w", path, err)
			return
		}
		first, _, _ := strings.Cut(string(out), "\n")
		m := cliVersionLine.FindStringSubmatch(strings.TrimSpace(first))
		if m == nil {
			d.err = fmt.Errorf("%s version: %q is neither Terraform's nor OpenTofu's first line", path, first)
			return
		}
		parsed, err := version.NewVersion(m[2])
		if err != nil {
			d.err = fmt.Errorf("%s version: %w", path, err)
			return
		}
		d.cli = &tfCLI{Path: path, Product: m[1], Version: parsed}
	})
	return d.cli, d.err
}

// cliUnderTest is the CLI that terraform-plugin-testing and newTFWorkdir run; it fails the test
// when there is none.
func cliUnderTest(t *testing.T) *tfCLI {
	t.Helper()
	path, err := terraformBinary()
	if err != nil {
		t.Fatal(err)
	}
	cli, err := detectCLI(path)
	if err != nil {
		t.Fatal(err)
	}
	return cli
}
