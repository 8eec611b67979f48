// Package tfcli runs the real Terraform or OpenTofu CLI against a provider served by the test
// process, for what terraform-plugin-testing cannot show: warnings, the diagnostics of a plan that
// is expected to fail (each with its resource address), and runs that are interrupted. Plans and
// states are checked with terraform-plugin-testing's plancheck, statecheck and knownvalue, as in
// every other test.
//
// How it works: terraform-exec (tfexec) runs every command, as in terraform-plugin-testing. Before
// each command the harness builds a new provider instance (one Terraform command = one provider
// process, as in production), serves it with tf6server in debug mode and hands its reattach
// address to the command (tfexec.Reattach, that is TF_REATTACH_PROVIDERS). `terraform init` then
// installs nothing and no network is used. Plan, apply, destroy and refresh run with -json; every
// line is parsed, and diagnostics are kept in order. A plan is saved, so that Result.CheckPlan
// can read it with `terraform show -json`; Workdir.CheckState reads the state the same way.
//
// Usage:
//
//	wd := tfcli.New(t, provider)             // skips unless TF_ACC is set; own temp dir
//	wd.SetConfig(`provider "ncloudkms" { ... } resource "ncloudkms_key" "test" { ... }`)
//	wd.Apply().RequireSuccess(t)             // terraform apply -json (init runs first, once)
//	res := wd.Plan(tfexec.Destroy(true))     // terraform plan -json -destroy
//	tfcli.RequireDiagnostics(t, res, tfcli.Warning("Key will be deleted", "ncloudkms_key.test"))
//	res.CheckPlan(t, plancheck.ExpectResourceAction("ncloudkms_key.test", plancheck.ResourceActionDestroy))
//	wd.Destroy()                             // terraform destroy -json
//	wd.CheckState(t, tfcli.ExpectNoResource("ncloudkms_key.test"))
//	wd.SkipWithout(feature)                  // skips the test on a CLI without the feature
//	wd.Invoke("apply", "action.T.N")         // terraform apply -json -invoke=action.T.N (or "plan")
//	p := wd.StartApply(20 * time.Second)     // runs in the background; p.Interrupt() sends SIGINT
//	res = p.Wait()                           // its Result (res.Killed when it outlived the 20s)
//
// The CLI is TF_ACC_TERRAFORM_PATH, else `terraform` on PATH: Terraform or OpenTofu, told apart by
// `version` (NewOn takes another one). The provider is reattached under every source address a
// configuration may give it on that CLI (Provider.Source, and hashicorp/<type> for a configuration
// without required_providers) on the registry host the CLI resolves them to, and under
// TF_ACC_PROVIDER_HOST / TF_ACC_PROVIDER_NAMESPACE when they are set, as terraform-plugin-testing
// does. The CLI runs with CHECKPOINT_DISABLE=1, tfexec's TF_IN_AUTOMATION=1 and -input=false, and
// an empty CLI configuration file, so a developer's ~/.terraformrc (dev_overrides, plugin cache)
// cannot change the outcome.
package tfcli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// CommandTimeout bounds one Terraform command, so a hung provider fails the test instead of the run.
const CommandTimeout = 5 * time.Minute

// timeoutGrace is how long a command that reached CommandTimeout may take to exit after the
// SIGINT tfexec sends it before it is killed.
const timeoutGrace = time.Minute

// Provider is the provider under test: its source address as configurations write it in
// required_providers ("ncloudkms/ncloudkms") and a factory the harness calls once per command.
type Provider struct {
	Source string
	New    func() (tfprotov6.ProviderServer, error)
}

// Workdir is one Terraform working directory with its own state.
type Workdir struct {
	t           *testing.T
	dir         string
	plansDir    string // where Plan saves its plans, outside the configuration directory
	plans       int
	cli         *CLI
	tf          *tfexec.Terraform
	provider    Provider
	initialized bool
}

// New prepares a working directory for the provider on the CLI under test (UnderTest). It skips
// the test unless TF_ACC is set, and fails it when no Terraform binary is found.
func New(t *testing.T, provider Provider) *Workdir {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 to run the Terraform CLI")
	}
	return NewOn(t, UnderTest(t), provider)
}

// NewOn is New on a given CLI (see Detect), for tests that run more than one CLI. It does not look
// at TF_ACC.
func NewOn(t *testing.T, cli *CLI, provider Provider) *Workdir {
	t.Helper()
	dir := t.TempDir()
	// An empty CLI configuration keeps the developer's own one out of the test.
	cliConfig := filepath.Join(dir, ".terraformrc")
	if err := os.WriteFile(cliConfig, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tf, err := NewExec(dir, cli.Path, cliConfig)
	if err != nil {
		t.Fatal(err)
	}
	return &Workdir{t: t, dir: dir, plansDir: t.TempDir(), cli: cli, tf: tf, provider: provider}
}

// NewExec is a tfexec runner of the CLI at path in dir, with the given CLI configuration file and
// the harness's environment (tfexecEnvironment), for tests that run the CLI without a provider
// served by the test process (the examples, with a built provider).
func NewExec(dir, path, cliConfig string) (*tfexec.Terraform, error) {
	tf, err := tfexec.NewTerraform(dir, path)
	if err != nil {
		return nil, err
	}
	return tf, tf.SetEnv(tfexecEnvironment(cliConfig))
}

// tfexecEnvironment is Environment without the variables tfexec sets itself and refuses to take
// (TF_LOG*, TF_VAR_*, TF_APPEND_USER_AGENT, ...), with CHECKPOINT_DISABLE=1 and the CLI
// configuration file.
func tfexecEnvironment(cliConfig string) map[string]string {
	env := map[string]string{}
	for _, kv := range Environment() {
		name, value, _ := strings.Cut(kv, "=")
		env[name] = value
	}
	env = tfexec.CleanEnv(env)
	env["CHECKPOINT_DISABLE"] = "1"
	env["TF_CLI_CONFIG_FILE"] = cliConfig
	return env
}

// Environment is this process's environment without the variables that would change what
// Terraform does (the harness sets them per command).
func Environment() []string {
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

// CLI is the Terraform or OpenTofu binary this working directory runs.
func (w *Workdir) CLI() *CLI { return w.cli }

// Dir is the working directory, for tests that write more files.
func (w *Workdir) Dir() string { return w.dir }

// SetConfig replaces the configuration (main.tf).
func (w *Workdir) SetConfig(hcl string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(hcl), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// SkipWithout skips the test when the working directory's CLI lacks the feature, naming it.
func (w *Workdir) SkipWithout(f Feature) {
	w.t.Helper()
	if !w.cli.Supports(f) {
		w.t.Skip(f.SkipReason(w.cli))
	}
}

// call is one tfexec command: it writes its -json output (if any) to stdout and attaches the
// provider with reattach.
type call func(ctx context.Context, stdout io.Writer, reattach *tfexec.ReattachOption) error

// Plan runs `terraform plan -json` (tfexec.PlanJSON) with the options, e.g. tfexec.Destroy(true).
// It saves the plan for Result.CheckPlan, unless the options save it themselves (tfexec.Out).
func (w *Workdir) Plan(opts ...tfexec.PlanOption) Result {
	w.t.Helper()
	planFile := ""
	if !savesPlan(opts) {
		w.plans++
		planFile = filepath.Join(w.plansDir, fmt.Sprintf("plan-%d.tfplan", w.plans))
		opts = append([]tfexec.PlanOption{tfexec.Out(planFile)}, opts...)
	}
	var changes bool
	res := w.run("plan", func(ctx context.Context, stdout io.Writer, reattach *tfexec.ReattachOption) (err error) {
		changes, err = w.tf.PlanJSON(ctx, stdout, append([]tfexec.PlanOption{reattach}, opts...)...)
		return err
	})
	res.Changes = changes
	if !res.Failed() {
		res.planFile = planFile
	}
	return res
}

func savesPlan(opts []tfexec.PlanOption) bool {
	for _, o := range opts {
		if _, ok := o.(*tfexec.OutOption); ok {
			return true
		}
	}
	return false
}

// Apply runs `terraform apply -auto-approve -json` (tfexec.ApplyJSON) with the options, e.g.
// tfexec.DirOrPlan("tfplan") for a saved plan.
func (w *Workdir) Apply(opts ...tfexec.ApplyOption) Result {
	w.t.Helper()
	return w.run("apply", w.applyCall(opts))
}

// Destroy runs `terraform destroy -auto-approve -json` (tfexec.DestroyJSON) with the options.
func (w *Workdir) Destroy(opts ...tfexec.DestroyOption) Result {
	w.t.Helper()
	return w.run("destroy", w.destroyCall(opts))
}

// Refresh runs `terraform refresh -json` (tfexec.RefreshJSON).
func (w *Workdir) Refresh() Result {
	w.t.Helper()
	return w.run("refresh", func(ctx context.Context, stdout io.Writer, reattach *tfexec.ReattachOption) error {
		return w.tf.RefreshJSON(ctx, stdout, reattach)
	})
}

// Query runs `terraform query -json` (tfexec.QueryJSON) with the options, e.g.
// tfexec.GenerateConfigOut("generated.tf"). tfexec decodes its lines itself, so the result's
// Diagnostics (without addresses) and Found come from the decoded messages, and Stdout stays empty.
func (w *Workdir) Query(opts ...tfexec.QueryOption) Result {
	w.t.Helper()
	var found []tfjson.ListResourceFoundData
	var diagnostics []Diagnostic
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
				diagnostics = append(diagnostics, Diagnostic{Diagnostic: msg.Diagnostic})
			}
		}
		return nil
	})
	res.Found, res.Diagnostics = found, diagnostics
	return res
}

// Import runs `terraform import address id` (tfexec.Import), which has no -json output.
func (w *Workdir) Import(address, id string) Result {
	w.t.Helper()
	return w.run("import", func(ctx context.Context, _ io.Writer, reattach *tfexec.ReattachOption) error {
		return w.tf.Import(ctx, address, id, reattach)
	})
}

// Taint, Untaint and StateRm run `terraform taint|untaint|state rm address` (tfexec), which
// change the state file only and take no provider.
func (w *Workdir) Taint(address string) Result {
	w.t.Helper()
	return w.run("taint", func(ctx context.Context, _ io.Writer, _ *tfexec.ReattachOption) error {
		return w.tf.Taint(ctx, address)
	})
}

func (w *Workdir) Untaint(address string) Result {
	w.t.Helper()
	return w.run("untaint", func(ctx context.Context, _ io.Writer, _ *tfexec.ReattachOption) error {
		return w.tf.Untaint(ctx, address)
	})
}

func (w *Workdir) StateRm(address string) Result {
	w.t.Helper()
	return w.run("state rm", func(ctx context.Context, _ io.Writer, _ *tfexec.ReattachOption) error {
		return w.tf.StateRm(ctx, address)
	})
}

// ShowPlanFile runs `terraform show -json` on a saved plan (tfexec.ShowPlanFile, which fails
// unless terraform-json reads it as a plan); Stdout is the JSON as the CLI wrote it.
func (w *Workdir) ShowPlanFile(path string) Result {
	w.t.Helper()
	return w.run("show "+path, func(ctx context.Context, _ io.Writer, reattach *tfexec.ReattachOption) error {
		_, err := w.tf.ShowPlanFile(ctx, path, reattach)
		return err
	})
}

// Invoke runs `terraform plan|apply -json -invoke=<action address>` (command "plan" or "apply";
// apply with -auto-approve). tfexec v0.25.1 has no option for -invoke and refuses TF_CLI_ARGS, so
// the CLI runs through os/exec, with the environment and reattach information tfexec would give it.
func (w *Workdir) Invoke(command, actionAddress string) Result {
	w.t.Helper()
	w.init()
	args := []string{command, "-no-color", "-input=false", "-json", "-invoke=" + actionAddress}
	if command == "apply" {
		args = append(args, "-auto-approve")
	}
	return w.startWithReattach(command+" -invoke", timeoutGrace, func(ctx context.Context, stdout, stderr io.Writer, reattach tfexec.ReattachInfo) error {
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
		cmd.WaitDelay = timeoutGrace
		return cmd.Run()
	}).Wait()
}

// run runs one command (after init, on first use) against a fresh provider instance and waits for it.
func (w *Workdir) run(command string, c call) Result {
	w.t.Helper()
	w.init()
	return w.start(command, timeoutGrace, c).Wait()
}

// init runs terraform init (tfexec.Init) once per working directory.
func (w *Workdir) init() {
	w.t.Helper()
	if w.initialized {
		return
	}
	res := w.start("init", timeoutGrace, func(ctx context.Context, _ io.Writer, reattach *tfexec.ReattachOption) error {
		return w.tf.Init(ctx, reattach)
	}).Wait()
	if res.Failed() {
		w.t.Fatalf("terraform init failed (exit %d):\n%s\n%s", res.ExitCode, res.Stdout, res.Stderr)
	}
	w.initialized = true
}

func (w *Workdir) applyCall(opts []tfexec.ApplyOption) call {
	return func(ctx context.Context, stdout io.Writer, reattach *tfexec.ReattachOption) error {
		return w.tf.ApplyJSON(ctx, stdout, append([]tfexec.ApplyOption{reattach}, opts...)...)
	}
}

func (w *Workdir) destroyCall(opts []tfexec.DestroyOption) call {
	return func(ctx context.Context, stdout io.Writer, reattach *tfexec.ReattachOption) error {
		return w.tf.DestroyJSON(ctx, stdout, append([]tfexec.DestroyOption{reattach}, opts...)...)
	}
}
