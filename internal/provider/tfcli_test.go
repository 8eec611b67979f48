package provider

// A small harness that runs the real Terraform CLI against the provider served by this test
// process, for what terraform-plugin-testing cannot show: warnings, diagnostics of a plan that is
// expected to fail (each with its resource address), and runs that are interrupted.
//
// How it works: terraform-exec (tfexec) runs every command, as in terraform-plugin-testing. Before
// each command the harness builds a new provider instance (one Terraform command = one provider
// process, as in production), serves it with tf6server in debug mode and hands its reattach
// address to the command (tfexec.Reattach, that is TF_REATTACH_PROVIDERS). `terraform init` then
// installs nothing and no network is used. Plan, apply, destroy and refresh run with -json; every
// line is parsed, and diagnostics are kept in order. The state is read with `terraform show -json`
// (tfexec.Show, a terraform-json State).
//
// Usage:
//
//	wd := newTFWorkdir(t)                    // skips unless TF_ACC is set; own temp dir
//	wd.SetConfig(testAccProviderConfig(mock) + `resource "ncloudkms_key" "this" { ... }`)
//	res := wd.Apply()                        // terraform apply -json (init runs first, once)
//	res.RequireSuccess(t)
//	res = wd.Plan(tfexec.Destroy(true))      // terraform plan -json -destroy
//	res.Diagnostics                          // []tfDiagnostic{Severity, Summary, Detail, Address, ...}
//	res.Changes                              // whether the plan has changes
//	wd.Destroy()                             // terraform destroy -json
//	wd.StateResource("ncloudkms_key.this")   // its attributes in the state, nil when absent
//	wd.SkipWithout(featureRemovedBlocks)     // skips the test on a CLI without removed blocks
//	wd.Invoke("apply", "action.T.N")         // terraform apply -json -invoke=action.T.N (or "plan")
//	p := wd.StartApply(20 * time.Second)     // runs in the background; p.Interrupt() sends SIGINT
//	res = p.Wait()                           // its tfResult (res.Killed when it outlived the 20s)
//
// The CLI is TF_ACC_TERRAFORM_PATH, else `terraform` on PATH: Terraform or OpenTofu, told apart by
// `version` (newTFWorkdirOn takes another one). The provider is reattached under the registry host
// that CLI resolves `ncloudkms/ncloudkms` and the implied `hashicorp/ncloudkms` to
// (registry.terraform.io or registry.opentofu.org), and under TF_ACC_PROVIDER_HOST /
// TF_ACC_PROVIDER_NAMESPACE when they are set, as terraform-plugin-testing does. The CLI runs with
// CHECKPOINT_DISABLE=1, tfexec's TF_IN_AUTOMATION=1 and -input=false, and an empty CLI
// configuration file, so a developer's ~/.terraformrc (dev_overrides, plugin cache) cannot change
// the outcome.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// tfCommandTimeout bounds one Terraform command, so a hung provider fails the test instead of the run.
const tfCommandTimeout = 5 * time.Minute

// tfTimeoutGrace is how long a command that reached tfCommandTimeout may take to exit after the
// SIGINT tfexec sends it before it is killed.
const tfTimeoutGrace = time.Minute

// tfWorkdir is one Terraform working directory with its own state.
type tfWorkdir struct {
	t           *testing.T
	dir         string
	cli         *tfCLI
	tf          *tfexec.Terraform
	newProvider func() (tfprotov6.ProviderServer, error)
	initialized bool
}

// tfDiagnostic is one diagnostic of a -json run: terraform-json's diagnostic (severity, summary,
// detail, range, snippet) and the resource address the -json UI adds to it, which tfjson's
// DiagnosticLogMessage drops (empty for diagnostics that belong to no resource).
type tfDiagnostic struct {
	tfjson.Diagnostic
	Address string `json:"address"`
}

func (d tfDiagnostic) String() string {
	return fmt.Sprintf("%s %q at %q", d.Severity, d.Summary, d.Address)
}

// tfMessage is one line of Terraform's machine-readable UI. terraform-json decodes only its
// version, log and diagnostic lines (without the address), so the lines are decoded here.
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
	ExitCode    int            // 0 also for a plan with changes (tfexec plans with -detailed-exitcode; see Changes)
	Changes     bool           // the plan has changes to make
	Killed      bool           // the command outlived its grace after SIGINT and was killed (exit code -1)
	Messages    []tfMessage    // every JSON line, in order
	Diagnostics []tfDiagnostic // the diagnostics among them, in order
	Stdout      string         // raw output, for failure messages
	Stderr      string
	Found       []tfjson.ListResourceFoundData // the results of a query, in order
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
		if string(d.Severity) == severity {
			out = append(out, d)
		}
	}
	return out
}

// Find returns the first diagnostic with that severity and summary, or nil.
func (r tfResult) Find(severity, summary string) *tfDiagnostic {
	for i, d := range r.Diagnostics {
		if string(d.Severity) == severity && d.Summary == summary {
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
	cliConfig := filepath.Join(dir, ".terraformrc")
	if err := os.WriteFile(cliConfig, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tf, err := newTerraformExec(dir, cli.Path, cliConfig)
	if err != nil {
		t.Fatal(err)
	}
	return &tfWorkdir{t: t, dir: dir, cli: cli, tf: tf, newProvider: newProvider}
}

// newTerraformExec is a tfexec runner of the CLI at path in dir, with the given CLI configuration
// file and the environment of tfexecEnvironment.
func newTerraformExec(dir, path, cliConfig string) (*tfexec.Terraform, error) {
	tf, err := tfexec.NewTerraform(dir, path)
	if err != nil {
		return nil, err
	}
	return tf, tf.SetEnv(tfexecEnvironment(cliConfig))
}

// tfexecEnvironment is cliEnvironment without the variables tfexec sets itself and refuses to take
// (TF_LOG*, TF_VAR_*, TF_APPEND_USER_AGENT, ...), with CHECKPOINT_DISABLE=1 and the CLI
// configuration file.
func tfexecEnvironment(cliConfig string) map[string]string {
	env := map[string]string{}
	for _, kv := range cliEnvironment() {
		name, value, _ := strings.Cut(kv, "=")
		env[name] = value
	}
	env = tfexec.CleanEnv(env)
	env["CHECKPOINT_DISABLE"] = "1"
	env["TF_CLI_CONFIG_FILE"] = cliConfig
	return env
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

// tfCall is one tfexec command: it writes its -json output (if any) to stdout and attaches the
// provider with reattach.
type tfCall func(ctx context.Context, stdout io.Writer, reattach *tfexec.ReattachOption) error

// Plan runs `terraform plan -json` (tfexec.PlanJSON) with the options, e.g. tfexec.Destroy(true).
func (w *tfWorkdir) Plan(opts ...tfexec.PlanOption) tfResult {
	w.t.Helper()
	var changes bool
	res := w.run("plan", func(ctx context.Context, stdout io.Writer, reattach *tfexec.ReattachOption) (err error) {
		changes, err = w.tf.PlanJSON(ctx, stdout, append([]tfexec.PlanOption{reattach}, opts...)...)
		return err
	})
	res.Changes = changes
	return res
}

// Apply runs `terraform apply -auto-approve -json` (tfexec.ApplyJSON) with the options, e.g.
// tfexec.DirOrPlan("tfplan") for a saved plan.
func (w *tfWorkdir) Apply(opts ...tfexec.ApplyOption) tfResult {
	w.t.Helper()
	return w.run("apply", w.applyCall(opts))
}

// Destroy runs `terraform destroy -auto-approve -json` (tfexec.DestroyJSON) with the options.
func (w *tfWorkdir) Destroy(opts ...tfexec.DestroyOption) tfResult {
	w.t.Helper()
	return w.run("destroy", w.destroyCall(opts))
}

// Refresh runs `terraform refresh -json` (tfexec.RefreshJSON).
func (w *tfWorkdir) Refresh() tfResult {
	w.t.Helper()
	return w.run("refresh", func(ctx context.Context, stdout io.Writer, reattach *tfexec.ReattachOption) error {
		return w.tf.RefreshJSON(ctx, stdout, reattach)
	})
}

// Query runs `terraform query -json` (tfexec.QueryJSON) with the options, e.g.
// tfexec.GenerateConfigOut("generated.tf"). tfexec decodes its lines itself, so the result's
// Diagnostics (without addresses) and Found come from the decoded messages, and Stdout stays empty.
func (w *tfWorkdir) Query(opts ...tfexec.QueryOption) tfResult {
	w.t.Helper()
	var found []tfjson.ListResourceFoundData
	var diagnostics []tfDiagnostic
	res := w.run("query", func(ctx context.Context, _ io.Writer, reattach *tfexec.ReattachOption) error {
		messages, err := w.tf.QueryJSON(ctx, append([]tfexec.QueryOption{reattach}, opts...)...)
		if err != nil {
			return err
		}
		for m := range messages {
			switch msg := m.Msg.(type) {
			case nil: // the last message: how the command ended
				return m.Err
			case tfjson.ListResourceFoundMessage:
				found = append(found, msg.ListResourceFound)
			case tfjson.DiagnosticLogMessage:
				diagnostics = append(diagnostics, tfDiagnostic{Diagnostic: msg.Diagnostic})
			}
		}
		return nil
	})
	res.Found, res.Diagnostics = found, diagnostics
	return res
}

// Import runs `terraform import address id` (tfexec.Import), which has no -json output.
func (w *tfWorkdir) Import(address, id string) tfResult {
	w.t.Helper()
	return w.run("import", func(ctx context.Context, _ io.Writer, reattach *tfexec.ReattachOption) error {
		return w.tf.Import(ctx, address, id, reattach)
	})
}

// Taint, Untaint and StateRm run `terraform taint|untaint|state rm address` (tfexec), which
// change the state file only and take no provider.
func (w *tfWorkdir) Taint(address string) tfResult {
	w.t.Helper()
	return w.run("taint", func(ctx context.Context, _ io.Writer, _ *tfexec.ReattachOption) error {
		return w.tf.Taint(ctx, address)
	})
}

func (w *tfWorkdir) Untaint(address string) tfResult {
	w.t.Helper()
	return w.run("untaint", func(ctx context.Context, _ io.Writer, _ *tfexec.ReattachOption) error {
		return w.tf.Untaint(ctx, address)
	})
}

func (w *tfWorkdir) StateRm(address string) tfResult {
	w.t.Helper()
	return w.run("state rm", func(ctx context.Context, _ io.Writer, _ *tfexec.ReattachOption) error {
		return w.tf.StateRm(ctx, address)
	})
}

// ShowPlanFile runs `terraform show -json` on a saved plan (tfexec.ShowPlanFile, which fails
// unless terraform-json reads it as a plan); Stdout is the JSON as the CLI wrote it.
func (w *tfWorkdir) ShowPlanFile(path string) tfResult {
	w.t.Helper()
	return w.run("show "+path, func(ctx context.Context, _ io.Writer, reattach *tfexec.ReattachOption) error {
		_, err := w.tf.ShowPlanFile(ctx, path, reattach)
		return err
	})
}

// stateValues is the state as `terraform show -json` renders it (tfexec.Show), with numbers as
// float64 like encoding/json's; nil when there is no state yet.
func (w *tfWorkdir) stateValues() *tfjson.StateValues {
	w.t.Helper()
	var state *tfjson.State
	w.run("show", func(ctx context.Context, _ io.Writer, reattach *tfexec.ReattachOption) (err error) {
		state, err = w.tf.Show(ctx, reattach, tfexec.JSONNumber(false))
		return err
	}).RequireSuccess(w.t)
	return state.Values
}

// StateResources are the resource instances, current and deposed, of the root module's state.
func (w *tfWorkdir) StateResources() []*tfjson.StateResource {
	w.t.Helper()
	if values := w.stateValues(); values != nil && values.RootModule != nil {
		return values.RootModule.Resources
	}
	return nil
}

// StateOutput is the value of a root module output in the state, nil when there is none.
func (w *tfWorkdir) StateOutput(name string) any {
	w.t.Helper()
	if values := w.stateValues(); values != nil && values.Outputs[name] != nil {
		return values.Outputs[name].Value
	}
	return nil
}

// StateResource returns the attributes of a managed resource instance in the state ("type.name",
// or "type.name[0]" / `type.name["k"]` for counted ones), or nil when the state does not have it.
func (w *tfWorkdir) StateResource(address string) map[string]any {
	w.t.Helper()
	for _, r := range w.StateResources() {
		if r.Mode == tfjson.ManagedResourceMode && r.Address == address {
			return r.AttributeValues
		}
	}
	return nil
}

// run runs one command (after init, on first use) against a fresh provider instance and waits for it.
func (w *tfWorkdir) run(command string, call tfCall) tfResult {
	w.t.Helper()
	w.init()
	return w.start(command, tfTimeoutGrace, call).Wait()
}

// init runs terraform init (tfexec.Init) once per working directory.
func (w *tfWorkdir) init() {
	w.t.Helper()
	if w.initialized {
		return
	}
	res := w.start("init", tfTimeoutGrace, func(ctx context.Context, _ io.Writer, reattach *tfexec.ReattachOption) error {
		return w.tf.Init(ctx, reattach)
	}).Wait()
	if res.Failed() {
		w.t.Fatalf("terraform init failed (exit %d):\n%s\n%s", res.ExitCode, res.Stdout, res.Stderr)
	}
	w.initialized = true
}

func (w *tfWorkdir) applyCall(opts []tfexec.ApplyOption) tfCall {
	return func(ctx context.Context, stdout io.Writer, reattach *tfexec.ReattachOption) error {
		return w.tf.ApplyJSON(ctx, stdout, append([]tfexec.ApplyOption{reattach}, opts...)...)
	}
}

func (w *tfWorkdir) destroyCall(opts []tfexec.DestroyOption) tfCall {
	return func(ctx context.Context, stdout io.Writer, reattach *tfexec.ReattachOption) error {
		return w.tf.DestroyJSON(ctx, stdout, append([]tfexec.DestroyOption{reattach}, opts...)...)
	}
}

// Invoke runs `terraform plan|apply -json -invoke=<action address>` (command "plan" or "apply";
// apply with -auto-approve). tfexec v0.25.1 has no option for -invoke and refuses TF_CLI_ARGS, so
// the CLI runs through os/exec, with the environment and reattach information tfexec would give it.
func (w *tfWorkdir) Invoke(command, actionAddress string) tfResult {
	w.t.Helper()
	w.init()
	args := []string{command, "-no-color", "-input=false", "-json", "-invoke=" + actionAddress}
	if command == "apply" {
		args = append(args, "-auto-approve")
	}
	return w.startWithReattach(command+" -invoke", tfTimeoutGrace, func(ctx context.Context, stdout, stderr io.Writer, reattach tfexec.ReattachInfo) error {
		reattachJSON, err := json.Marshal(reattach)
		if err != nil {
			return err
		}
		cmd := exec.CommandContext(ctx, w.cli.Path, args...)
		cmd.Dir = w.dir
		cmd.Env = []string{"TF_IN_AUTOMATION=1", "TF_REATTACH_PROVIDERS=" + string(reattachJSON)}
		for name, value := range tfexecEnvironment(filepath.Join(w.dir, ".terraformrc")) {
			cmd.Env = append(cmd.Env, name+"="+value)
		}
		cmd.Stdout, cmd.Stderr = stdout, stderr
		cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) } // as tfexec stops a command
		cmd.WaitDelay = tfTimeoutGrace
		return cmd.Run()
	}).Wait()
}

// StartApply starts `terraform apply -json` like Apply and returns without waiting for it:
// Interrupt sends it SIGINT, and if it has not exited grace later it is killed.
func (w *tfWorkdir) StartApply(grace time.Duration, opts ...tfexec.ApplyOption) *tfProcess {
	w.t.Helper()
	w.init()
	return w.start("apply", grace, w.applyCall(opts))
}

// StartDestroy is StartApply for `terraform destroy -json`.
func (w *tfWorkdir) StartDestroy(grace time.Duration, opts ...tfexec.DestroyOption) *tfProcess {
	w.t.Helper()
	w.init()
	return w.start("destroy", grace, w.destroyCall(opts))
}

// tfProcess is a Terraform command that runs in the background until Wait.
type tfProcess struct {
	w              *tfWorkdir
	command        string
	stdout, stderr *bytes.Buffer // written by tfexec until done is closed
	done           chan struct{}
	err            error           // tfexec's error, once done is closed
	timeout        context.Context // ends at tfCommandTimeout
	cancel         context.CancelFunc
	interrupt      context.CancelFunc
	interrupted    atomic.Bool
	stopProvider   func()
}

// start runs call in the background under a context that ends at tfCommandTimeout or on
// Interrupt. When it ends, tfexec sends the CLI SIGINT, and os/exec kills it grace later.
func (w *tfWorkdir) start(command string, grace time.Duration, call tfCall) *tfProcess {
	w.t.Helper()
	return w.startWithReattach(command, grace, func(ctx context.Context, stdout, _ io.Writer, reattach tfexec.ReattachInfo) error {
		return call(ctx, stdout, tfexec.Reattach(reattach))
	})
}

// startWithReattach is start for a call that runs the CLI itself (Invoke): it writes to stdout and
// stderr and needs the reattach information.
func (w *tfWorkdir) startWithReattach(command string, grace time.Duration,
	call func(ctx context.Context, stdout, stderr io.Writer, reattach tfexec.ReattachInfo) error,
) *tfProcess {
	w.t.Helper()
	reattach, stopProvider := serveProviderForCLI(w.t, w.newProvider, w.cli.ProviderSources())
	timeout, cancel := context.WithTimeout(context.Background(), tfCommandTimeout)
	ctx, interrupt := context.WithCancel(timeout)
	p := &tfProcess{w: w, command: command, stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, done: make(chan struct{}),
		timeout: timeout, cancel: cancel, interrupt: interrupt, stopProvider: stopProvider}
	w.tf.SetStdout(p.stdout)
	w.tf.SetStderr(p.stderr)
	_ = w.tf.SetWaitDelay(grace) // fails only on Windows, where tfexec kills at once: there is no SIGINT to send
	go func() {
		defer close(p.done)
		p.err = call(ctx, p.stdout, p.stderr, reattach)
	}()
	return p
}

// Done is closed when the command has ended.
func (p *tfProcess) Done() <-chan struct{} { return p.done }

// Interrupt ends the command's context, on which tfexec sends the CLI SIGINT. It reports false
// when the command had already ended.
func (p *tfProcess) Interrupt() bool {
	select {
	case <-p.done:
		return false
	default:
	}
	p.interrupted.Store(true)
	p.interrupt()
	return true
}

// Wait waits for the command to end and returns what it did.
func (p *tfProcess) Wait() tfResult {
	p.w.t.Helper()
	<-p.done
	defer p.stopProvider()
	defer p.cancel()

	res := tfResult{Command: p.command, Stdout: p.stdout.String(), Stderr: p.stderr.String()}
	var exitErr *exec.ExitError
	switch {
	case p.timeout.Err() != nil:
		p.w.t.Fatalf("terraform %s did not finish within %s: %v\n%s\n%s", res.Command, tfCommandTimeout, p.err, res.Stdout, res.Stderr)
	case p.err == nil:
	case errors.As(p.err, &exitErr):
		res.ExitCode = exitErr.ExitCode()
		status, ok := exitErr.Sys().(syscall.WaitStatus)
		res.Killed = ok && status.Signaled() && status.Signal() == syscall.SIGKILL
	case p.interrupted.Load() && errors.Is(p.err, context.Canceled):
		// Exited 0 after SIGINT: os/exec then reports the interrupt alone.
	default:
		p.w.t.Fatalf("terraform %s did not run: %v\n%s\n%s", res.Command, p.err, res.Stdout, res.Stderr)
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

// serveProviderForCLI serves one new provider instance in this process and returns where Terraform
// finds it under each of the given source addresses, and a function that stops it.
func serveProviderForCLI(t *testing.T, newProvider func() (tfprotov6.ProviderServer, error), sources []string) (tfexec.ReattachInfo, func()) {
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

	reattach := tfexec.ReattachInfo{}
	for _, source := range sources {
		reattach[source] = tfexec.ReattachConfig{
			Protocol:        string(config.Protocol),
			ProtocolVersion: config.ProtocolVersion,
			Pid:             config.Pid,
			Test:            config.Test,
			Addr:            tfexec.ReattachConfigAddr{Network: config.Addr.Network(), String: config.Addr.String()},
		}
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			<-closed
		})
	}
	return reattach, stop
}

// The CLIs a test process runs are told apart once each: tfexec reads the version from
// `version -json` (OpenTofu writes its own version in its terraform_version field), and the first
// line of `version` names the product: "Terraform v1.11.4" or "OpenTofu v1.12.6".

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

type cliDetection struct {
	once sync.Once
	cli  *tfCLI
	err  error
}

// detectedCLIs holds one *cliDetection per binary path.
var detectedCLIs sync.Map

// detectCLI says which CLI is at path, asking it once per test process.
func detectCLI(path string) (*tfCLI, error) {
	v, _ := detectedCLIs.LoadOrStore(path, &cliDetection{})
	d := v.(*cliDetection)
	d.once.Do(func() { d.cli, d.err = identifyCLI(path) })
	return d.cli, d.err
}

func identifyCLI(path string) (*tfCLI, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tf, err := newTerraformExec(os.TempDir(), path, os.DevNull)
	if err != nil {
		return nil, err
	}
	// The version terraform-plugin-testing sees: it asks tfexec too.
	cliVersion, _, err := tf.Version(ctx, true)
	if err != nil {
		return nil, fmt.Errorf("%s version -json: %w", path, err)
	}

	// tfexec does not return the plain `version` output, the only one that names the product.
	cmd := exec.CommandContext(ctx, path, "version")
	cmd.Env = append(cliEnvironment(), "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE="+os.DevNull)
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s version: %w", path, err)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	for _, product := range []string{productTerraform, productOpenTofu} {
		if strings.HasPrefix(first, product+" v") {
			return &tfCLI{Path: path, Product: product, Version: cliVersion}, nil
		}
	}
	return nil, fmt.Errorf("%s version: %q is neither Terraform's nor OpenTofu's first line", path, first)
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
