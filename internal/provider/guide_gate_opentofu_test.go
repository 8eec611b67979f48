package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// The gating guide says its gate works the same on `tofu plan -json`. These tests prove it on a
// real OpenTofu: TF_ACC_TOFU_PATH, which make testacc-matrix and .ci/run set on every leg, or the
// CLI under test when that is OpenTofu. The path is never guessed (no look into a CLI cache from
// Go), so that what `go test` runs does not depend on what a machine happens to have built.

// openTofuForTest is the OpenTofu these tests run, or a skip that says how to get one.
func openTofuForTest(t *testing.T) *tfcli.CLI {
	t.Helper()
	if path := os.Getenv("TF_ACC_TOFU_PATH"); path != "" {
		cli, err := tfcli.Detect(path)
		if err != nil {
			t.Fatal(err)
		}
		if !cli.IsOpenTofu() {
			t.Fatalf("TF_ACC_TOFU_PATH=%s is %s, not OpenTofu", path, cli)
		}
		return cli
	}
	if cli := tfcli.UnderTest(t); cli.IsOpenTofu() {
		return cli
	}
	t.Skip("needs OpenTofu: set TF_ACC_TOFU_PATH (make testacc-matrix does), or TF_ACC_TERRAFORM_PATH to a tofu binary")
	return nil
}

// TestAccGuide_gateCommandOpenTofu: on a real `tofu plan -json`, the guide's gate blocks a plan that
// deletes a key under DELETE and passes one that only changes a memo. When the CLI under test is
// Terraform, the same configurations are planned with it too, and both CLIs must give the same key
// diagnostics (severity, summary, address) and the same gate verdicts.
func TestAccGuide_gateCommandOpenTofu(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 to run the Terraform CLI")
	}
	tofu := openTofuForTest(t)
	clis := []*tfcli.CLI{tofu}
	if under := tfcli.UnderTest(t); !under.IsOpenTofu() && under.Supports(featurePlanTimeDeletionDiagnostics) {
		clis = append(clis, under)
	}
	script := gateScript(t)
	cases := []gateCase{
		{name: "delete policy, block removed", arguments: `deletion_policy = "DELETE"`, next: "-",
			blocks: true, severity: "warning", summary: summaryKeyWillBeDeleted},
		{name: "memo change only", arguments: `memo = "first"`, next: `memo = "second"`},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			outcomes := make([]string, len(clis))
			for j, cli := range clis {
				outcomes[j] = gateOnCLI(t, cli, script, c, fmt.Sprintf("tofu-gate-%d", i))
			}
			for j := 1; j < len(clis); j++ {
				if outcomes[j] != outcomes[0] {
					t.Errorf("the CLIs disagree on the same configuration:\n  %s: %s\n  %s: %s", clis[0], outcomes[0], clis[j], outcomes[j])
				}
			}
		})
	}
}

// gateOnCLI applies the case's key with cli against a new mock, plans its change, runs the gate on
// the plan and checks the verdict. It returns the plan's key diagnostics and the verdict, for
// comparing CLIs.
func gateOnCLI(t *testing.T, cli *tfcli.CLI, script string, c gateCase, name string) string {
	t.Helper()
	m := testAccMock(t)
	wd := tfcli.NewOn(t, cli, testAccCLIProvider(Options{}))
	keyConfig := func(arguments string) string {
		return testAccProviderConfig(m) + fmt.Sprintf("\nresource \"ncloudkms_key\" \"gated\" {\n  name = %q\n  type = \"AES256\"\n  %s\n}\n", name, arguments)
	}
	wd.SetConfig(keyConfig(c.arguments))
	wd.Apply().RequireSuccess(t)
	keys := m.Keys()
	if len(keys) != 1 {
		t.Fatalf("%s: the mock holds %d keys after the create, want 1", cli, len(keys))
	}
	tag := keys[0].KeyTag
	if c.next == "-" {
		wd.SetConfig(testAccProviderConfig(m))
	} else {
		wd.SetConfig(keyConfig(c.next))
	}

	plan := wd.Plan(c.planOptions...)
	requireGatePlan(t, plan, c)
	if got := planVersionProduct(t, plan); got != cli.Product {
		t.Fatalf("the plan's version line names %s, want %s", got, cli.Product)
	}
	run := runGate(t, script, plan.Stdout, false)
	requireGateVerdict(t, "the gate on "+cli.String(), run, c, name, tag)
	requireNoKeyChange(t, m, tag)

	var diagnostics []string
	for _, d := range plan.Diagnostics {
		if strings.HasPrefix(d.Summary, "Key ") {
			diagnostics = append(diagnostics, d.String())
		}
	}
	slices.Sort(diagnostics)
	return fmt.Sprintf("key diagnostics %v, gate exit %d", diagnostics, run.ExitCode)
}

// planVersionProduct reads the version line of a -json run: Terraform writes "terraform",
// OpenTofu "tofu".
func planVersionProduct(t *testing.T, res tfcli.Result) string {
	t.Helper()
	for _, m := range res.Messages {
		if m.Type != "version" {
			continue
		}
		var line struct{ Terraform, Tofu string }
		if err := json.Unmarshal(m.Raw, &line); err != nil {
			t.Fatal(err)
		}
		switch {
		case line.Tofu != "":
			return tfcli.ProductOpenTofu
		case line.Terraform != "":
			return tfcli.ProductTerraform
		}
	}
	t.Fatalf("terraform %s printed no version line:\n%s", res.Command, res.Stdout)
	return ""
}

// TestGuide_gateCommandOpenTofuInputs: the gate reads OpenTofu's version line, which names the CLI
// "tofu" and has no "terraform" field, and judges its plans as Terraform's.
func TestGuide_gateCommandOpenTofuInputs(t *testing.T) {
	script := gateScript(t)
	const (
		tofu    = `{"@level":"info","@message":"OpenTofu 1.12.6","@module":"tofu.ui","tofu":"1.12.6","type":"version","ui":"1.2"}` + "\n"
		neither = `{"type":"version","ui":"1.2"}` + "\n"
		summary = `{"type":"change_summary","changes":{"add":0,"change":1,"remove":0,"operation":"plan"}}` + "\n"
		deleted = `{"type":"diagnostic","diagnostic":{"severity":"warning","summary":"` + summaryKeyWillBeDeleted +
			`","detail":"Key \"k\" (key tag t)","address":""}}` + "\n"
	)
	for _, c := range []struct {
		name, input string
		blocks      bool
	}{
		{"OpenTofu, memo change", tofu + summary, false},
		{"OpenTofu, key deleted", tofu + deleted + summary, true},
		{"OpenTofu, no change summary", tofu, true},
		{"version line of no known CLI", neither + summary, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			run := runGate(t, script, c.input, false)
			if blocked := run.ExitCode != 0; blocked != c.blocks {
				t.Fatalf("gate exit %d, want blocked = %v:\n%s", run.ExitCode, c.blocks, run.Output)
			}
		})
	}
}
