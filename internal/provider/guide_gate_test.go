package provider

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// The guide "Gating pipelines on key deletion" gives one shell script that pipelines copy. These
// tests take that script from the guide's template itself, never from a copy, and run it on real
// `terraform plan -json` output, so the guide cannot drift from the provider's diagnostics.

const (
	gateGuideTemplate = "../../templates/guides/gating-pipelines.md.tmpl"
	gateGuideRendered = "../../docs/guides/gating-pipelines.md"
	gateStartMarker   = "<!-- gate-command:start -->"
	gateEndMarker     = "<!-- gate-command:end -->"
	gatePassedLine    = "key-deletion-gate: passed"
	gateRunTimeout    = time.Minute
)

// guideGateCommand returns the body of the one ```sh block between the gate markers of a guide file.
func guideGateCommand(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading the guide: %v", err)
	}
	text := strings.ReplaceAll(string(raw), "\r\n", "\n")
	if strings.Count(text, gateStartMarker) != 1 || strings.Count(text, gateEndMarker) != 1 {
		t.Fatalf("%s must hold %s and %s exactly once each", path, gateStartMarker, gateEndMarker)
	}
	_, rest, _ := strings.Cut(text, gateStartMarker)
	block, _, found := strings.Cut(rest, gateEndMarker)
	if !found {
		t.Fatalf("%s: %s comes before %s", path, gateEndMarker, gateStartMarker)
	}
	block = strings.TrimSpace(block)
	body, opened := strings.CutPrefix(block, "```sh\n")
	body, closed := strings.CutSuffix(body, "\n```")
	if !opened || !closed || strings.Contains(body, "```") {
		t.Fatalf("%s: the gate markers must enclose exactly one ```sh code block, got:\n%s", path, block)
	}
	return body + "\n"
}

// gateScript writes the guide's gate command to a file and returns its path. It fails the test
// when bash or jq is missing: a skipped gate test would let the guide drift unnoticed.
func gateScript(t *testing.T) string {
	t.Helper()
	for _, tool := range []string{"bash", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("the guide's gate command needs %s on PATH: %v", tool, err)
		}
	}
	path := filepath.Join(t.TempDir(), "key-deletion-gate.sh")
	if err := os.WriteFile(path, []byte(guideGateCommand(t, gateGuideTemplate)), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// gateRun is one run of the gate script.
type gateRun struct {
	ExitCode int
	Output   string // stdout and stderr
}

// runGate runs the gate with bash on planJSON, given as a file argument or on standard input.
func runGate(t *testing.T, script, planJSON string, viaStdin bool) gateRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), gateRunTimeout)
	defer cancel()
	var cmd *exec.Cmd
	if viaStdin {
		cmd = exec.CommandContext(ctx, "bash", script)
		cmd.Stdin = strings.NewReader(planJSON)
	} else {
		file := filepath.Join(t.TempDir(), "plan.jsonl")
		if err := os.WriteFile(file, []byte(planJSON), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd = exec.CommandContext(ctx, "bash", script, file)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	run := gateRun{Output: out.String()}
	if err != nil {
		exitErr, ok := err.(*exec.ExitError)
		if !ok || ctx.Err() != nil {
			t.Fatalf("the gate did not finish: %v\n%s", err, run.Output)
		}
		run.ExitCode = exitErr.ExitCode()
	}
	return run
}

// gateCase is one plan the gate judges.
type gateCase struct {
	name        string
	arguments   string              // of the key, applied first unless createOnly
	next        string              // configuration of the planned change: "" keeps the key, "-" removes its block
	planOptions []tfexec.PlanOption // extra terraform plan options, e.g. tfexec.Destroy(true)
	blocks      bool
	// diagnostic is the key diagnostic the plan must carry (severity and summary), "" for none.
	severity, summary string
	createOnly        bool
}

// TestAccGuide_gateCommand: the guide's gate blocks real plans that delete or schedule the
// deletion of a key, naming it, and passes plans that change a memo, create or abandon a key.
func TestAccGuide_gateCommand(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 to run the Terraform CLI")
	}
	script := gateScript(t)
	cases := []gateCase{
		{name: "delete policy, block removed", arguments: `deletion_policy = "DELETE"`, next: "-",
			blocks: true, severity: "warning", summary: summaryKeyWillBeDeleted},
		{name: "schedule policy, plan -destroy", arguments: `deletion_policy = "SCHEDULE"`, planOptions: []tfexec.PlanOption{tfexec.Destroy(true)},
			blocks: true, severity: "warning", summary: summaryKeyWillBeScheduled},
		{name: "memo change only", arguments: `memo = "first"`, next: `memo = "second"`},
		{name: "new key", createOnly: true},
		{name: "abandon policy, plan -destroy", arguments: `deletion_policy = "ABANDON"`, planOptions: []tfexec.PlanOption{tfexec.Destroy(true)},
			severity: "warning", summary: summaryKeyWillBeAbandoned},
		{name: "deletion protection, block removed", arguments: "deletion_protection = true", next: "-",
			blocks: true, severity: "error", summary: summaryKeyDeletionProtected},
		{name: "delete policy, plan -replace", arguments: `deletion_policy = "DELETE"`,
			planOptions: []tfexec.PlanOption{tfexec.Replace("ncloudkms_key.gated")},
			blocks:      true, severity: "error", summary: summaryKeyReplacementOnRequestRefused},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			m := testAccMock(t)
			wd := newTFWorkdir(t)
			wd.SkipWithout(featurePlanTimeDeletionDiagnostics)
			name := fmt.Sprintf("gate-key-%d", i)
			keyConfig := func(arguments string) string {
				return testAccProviderConfig(m) + fmt.Sprintf("\nresource \"ncloudkms_key\" \"gated\" {\n  name = %q\n  type = \"AES256\"\n  %s\n}\n", name, arguments)
			}

			var tag string
			wd.SetConfig(keyConfig(c.arguments))
			if !c.createOnly {
				wd.Apply().RequireSuccess(t)
				keys := m.Keys()
				if len(keys) != 1 {
					t.Fatalf("the mock holds %d keys after the create, want 1", len(keys))
				}
				tag = keys[0].KeyTag
				switch c.next {
				case "":
				case "-":
					wd.SetConfig(testAccProviderConfig(m))
				default:
					wd.SetConfig(keyConfig(c.next))
				}
			}

			plan := wd.Plan(c.planOptions...)
			requireGatePlan(t, plan, c)
			for _, viaStdin := range []bool{false, true} {
				run := runGate(t, script, plan.Stdout, viaStdin)
				input := map[bool]string{false: "file argument", true: "stdin"}[viaStdin]
				requireGateVerdict(t, "gate ("+input+")", run, c, name, tag)
			}
			requireNoKeyChange(t, m, tag)
		})
	}
}

// TestAccGuide_gateCommandTokens: the guide's gate blocks a real plan that revokes a key's tokens
// (a regeneration), naming the key, and passes one that leaves an ACL denying every address.
func TestAccGuide_gateCommandTokens(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 to run the Terraform CLI")
	}
	script := gateScript(t)
	for _, c := range []struct {
		name, summary string
		blocks        bool
	}{
		{"regeneration", summaryKeyTokensWillBeRevoked, true},
		{"ACL denies every address", summaryKeyACLDeniesEveryAddress, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			m := testAccMock(t)
			wd := newTFWorkdir(t)
			wd.SkipWithout(featurePlanTimeDeletionDiagnostics)
			config := func(version, ips string) string {
				return testAccKeyConfig(m, "gate-tokens", "") +
					generatorBlock("this", "ncloudkms_key.test.key_tag", fmt.Sprintf("  regenerate_triggers = { version = %q }", version)) +
					fmt.Sprintf("\nresource \"ncloudkms_key_acl\" \"this\" {\n  key_tag     = ncloudkms_key.test.key_tag\n  allowed_ips = [%s]\n}\n", ips)
			}
			wd.SetConfig(config("1", `"10.0.0.1"`))
			wd.Apply().RequireSuccess(t)
			tag := cliStateKeyTag(t, wd, testAccKeyAddress)
			if c.blocks {
				wd.SetConfig(config("2", `"10.0.0.1"`))
			} else {
				wd.SetConfig(config("1", ""))
			}
			plan := wd.Plan()
			plan.RequireSuccess(t)
			tfcli.RequireDiagnostics(t, plan, tfcli.Warning(c.summary, map[bool]string{true: cliGeneratorAddress, false: cliACLAddress}[c.blocks]))
			run := runGate(t, script, plan.Stdout, false)
			switch {
			case c.blocks && run.ExitCode == 0:
				t.Fatalf("gate passed a plan it must block:\n%s", run.Output)
			case !c.blocks && run.ExitCode != 0:
				t.Fatalf("gate blocked a plan it must pass (exit %d):\n%s", run.ExitCode, run.Output)
			case c.blocks:
				for _, want := range []string{"BLOCKED: warning: " + c.summary + " (" + cliGeneratorAddress + ")", `"gate-tokens"`, tag} {
					if !strings.Contains(run.Output, want) {
						t.Errorf("gate output does not name %q:\n%s", want, run.Output)
					}
				}
			case !strings.Contains(run.Output, gatePassedLine):
				t.Errorf("gate output lacks %q:\n%s", gatePassedLine, run.Output)
			}
		})
	}
}

// requireGateVerdict checks that the gate blocked the case's plan, naming the diagnostic, the key
// and its tag, or passed it, saying so. label says which run it was in failure messages.
func requireGateVerdict(t *testing.T, label string, run gateRun, c gateCase, name, tag string) {
	t.Helper()
	switch {
	case c.blocks && run.ExitCode == 0:
		t.Fatalf("%s passed a plan it must block:\n%s", label, run.Output)
	case !c.blocks && run.ExitCode != 0:
		t.Fatalf("%s blocked a plan it must pass (exit %d):\n%s", label, run.ExitCode, run.Output)
	case c.blocks:
		for _, want := range []string{"BLOCKED: " + c.severity + ": " + c.summary, `"` + name + `"`, tag} {
			if !strings.Contains(run.Output, want) {
				t.Errorf("%s output does not name %q:\n%s", label, want, run.Output)
			}
		}
	case !strings.Contains(run.Output, gatePassedLine):
		t.Errorf("%s output lacks %q:\n%s", label, gatePassedLine, run.Output)
	}
}

// requireGatePlan checks that the plan is the one the case means, so that a change of the
// provider's diagnostics fails here with a clear message rather than as a gate verdict.
func requireGatePlan(t *testing.T, plan tfcli.Result, c gateCase) {
	t.Helper()
	if c.severity == "error" {
		plan.RequireFailure(t)
	} else {
		plan.RequireSuccess(t)
	}
	var keyDiagnostics []string
	for _, d := range plan.Diagnostics {
		if strings.HasPrefix(d.Summary, "Key ") {
			keyDiagnostics = append(keyDiagnostics, d.String())
		}
	}
	want := []string(nil)
	if c.summary != "" {
		if plan.Find(c.severity, c.summary) == nil {
			t.Fatalf("the plan lacks the %s %q; its diagnostics: %v", c.severity, c.summary, plan.Diagnostics)
		}
		want = []string{c.summary}
	}
	if len(keyDiagnostics) != len(want) {
		t.Fatalf("the plan carries the key diagnostics %v, want only %v", keyDiagnostics, want)
	}
}

// requireNoKeyChange checks that planning left the key as it was (a plan must not call the API to
// change anything).
func requireNoKeyChange(t *testing.T, m *kmsmock.Server, tag string) {
	t.Helper()
	if tag == "" {
		if keys := m.Keys(); len(keys) != 0 {
			t.Errorf("a plan created keys: %+v", keys)
		}
		return
	}
	if key, ok := m.Key(tag); !ok || key.Status != "ENABLE" {
		t.Errorf("after the plan the key reads %+v (found %v), want it unchanged, ENABLE", key, ok)
	}
}

// TestGuide_gateCommandInputs: the gate refuses inputs that prove nothing, such as an empty file
// or the output of a Terraform too old to report destroys, and judges hand-written plans as
// the guide's table says.
func TestGuide_gateCommandInputs(t *testing.T) {
	for _, tool := range []string{"bash", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s on PATH", tool)
		}
	}
	script := gateScript(t)
	const (
		version = `{"type":"version","terraform":"1.11.4"}` + "\n"
		summary = `{"type":"change_summary","changes":{"add":0,"change":0,"remove":1,"operation":"plan"}}` + "\n"
	)
	diagnostic := func(severity, summary string) string {
		return fmt.Sprintf(`{"type":"diagnostic","diagnostic":{"severity":%q,"summary":%q,"detail":"Key \"k\" (key tag t)","address":""}}`+"\n",
			severity, summary)
	}
	replaced := func(resourceType, address, action string) string {
		return fmt.Sprintf(`{"type":"planned_change","change":{"resource":{"addr":%q,"resource_type":%q},"action":%q,"reason":"tainted"}}`+"\n",
			address, resourceType, action)
	}
	abandonedAt := func(address string) string {
		return fmt.Sprintf(`{"type":"diagnostic","diagnostic":{"severity":"warning","summary":%q,"address":%q}}`+"\n",
			summaryKeyWillBeAbandoned, address)
	}
	for _, c := range []struct {
		name, input string
		blocks      bool
	}{
		{"key replaced, no diagnostic", version + replaced("ncloudkms_key", "ncloudkms_key.k", "replace") + summary, true},
		{"key replaced, diagnostic on another address", version + replaced("ncloudkms_key", "ncloudkms_key.k", "replace") +
			abandonedAt("ncloudkms_key.other") + summary, true},
		{"key replaced, diagnostic on its address", version + replaced("ncloudkms_key", "ncloudkms_key.k", "replace") +
			abandonedAt("ncloudkms_key.k") + summary, false},
		{"other resource replaced", version + replaced("terraform_data", "terraform_data.t", "replace") + summary, false},
		{"key updated", version + replaced("ncloudkms_key", "ncloudkms_key.k", "update") + summary, false},
		{"empty input", "", true},
		{"not JSON", "Plan: 0 to add, 0 to change, 1 to destroy.\n", true},
		{"no change summary", version, true},
		{"no version line", summary, true},
		{"terraform 1.2", `{"type":"version","terraform":"1.2.9"}` + "\n" + summary, true},
		{"any error", version + diagnostic("error", "Invalid provider configuration"), true},
		{"deleted permanently", version + diagnostic("warning", summaryKeyWillBeDeleted) + summary, true},
		{"scheduled for deletion", version + diagnostic("warning", summaryKeyWillBeScheduled) + summary, true},
		{"abandoned", version + diagnostic("warning", summaryKeyWillBeAbandoned) + summary, false},
		{"restored", version + diagnostic("warning", summaryPendingKeyWillBeRestored) + summary, false},
		{"adopted", version + diagnostic("warning", summaryPendingKeyWillBeAdopted) + summary, false},
		{"deleted outside", version + diagnostic("warning", summaryKeyDeletedOutside) + summary, false},
		{"name check failed", version + diagnostic("warning", summaryKeyNameCheckFailed) + summary, false},
		{"version disabled", version + diagnostic("warning", summaryKeyVersionWillBeDisabled) + summary, false},
		{"other lines are skipped", "\x1b[0m garbage\n" + version + summary, false},
		{"tokens revoked", version + diagnostic("warning", summaryKeyTokensWillBeRevoked) + summary, true},
		{"token revocation protected", version + diagnostic("error", summaryKeyTokenRevocationProtected), true},
		{"generator replacement refused", version + diagnostic("error", summaryKeyTokenGeneratorReplacementRefused), true},
		{"generator replaced, no diagnostic", version + replaced("ncloudkms_key_token_generator", "ncloudkms_key_token_generator.g", "replace") + summary, true},
		{"generator replaced, diagnostic on its address", version +
			replaced("ncloudkms_key_token_generator", "ncloudkms_key_token_generator.g", "replace") +
			fmt.Sprintf(`{"type":"diagnostic","diagnostic":{"severity":"warning","summary":%q,"address":"ncloudkms_key_token_generator.g"}}`+"\n",
				summaryKeyTokensWillBeRevoked) + summary, true},
		{"ACL replaced", version + replaced("ncloudkms_key_acl", "ncloudkms_key_acl.a", "replace") + summary, false},
		{"ACL denies every address", version + diagnostic("warning", summaryKeyACLDeniesEveryAddress) + summary, false},
		{"ACL's key deleted outside", version + diagnostic("warning", summaryKeyACLKeyGone) + summary, false},
		{"generator deleted outside", version + diagnostic("warning", summaryKeyTokenGeneratorDeletedOutside) + summary, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			run := runGate(t, script, c.input, false)
			if blocked := run.ExitCode != 0; blocked != c.blocks {
				t.Fatalf("gate exit %d, want blocked = %v:\n%s", run.ExitCode, c.blocks, run.Output)
			}
		})
	}
}

// TestGuide_gateCommandRendered: the committed docs carry the same gate command as the template
// (go generate renders one from the other).
func TestGuide_gateCommandRendered(t *testing.T) {
	if got, want := guideGateCommand(t, gateGuideRendered), guideGateCommand(t, gateGuideTemplate); got != want {
		t.Fatalf("docs/guides/gating-pipelines.md has another gate command than its template: run go generate ./...")
	}
}
