package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// The CLI versions the provider's features need, once: the README's table "Which CLI versions"
// (and the provider docs' copy of it) and every version skip of the tests come from cliFeatures,
// and TestCLIFeatures_* fail when they disagree.
//
// A test that needs a CLI feature says so with wd.SkipWithout(feature) (the CLI harness) or
// TerraformVersionChecks: cliFeatureChecks(feature) (terraform-plugin-testing), never with a
// version number of its own. A new feature gets a variable here, a row in cliFeatures, and the
// same row in README.md and templates/index.md.tmpl.

// Each feature is a tfcli.Feature; its Name is the first column of the README's table, verbatim.
var (
	featureProvider = tfcli.Feature{Name: "This provider (plugin protocol 6)",
		Terraform: "1.0", OpenTofu: "1.6"}
	featurePlanTimeDeletionDiagnostics = tfcli.Feature{Name: "Plan-time deletion warnings and errors, and the pipeline gate",
		Terraform: "1.3", OpenTofu: "1.6"}
	featureTerraformData = tfcli.Feature{Name: "`terraform_data` (built in; some tests use it)",
		Terraform: "1.4", OpenTofu: "1.6"}
	featureImportBlocks = tfcli.Feature{Name: "`import` blocks",
		Terraform: "1.5", OpenTofu: "1.6"}
	featureRemovedBlocks = tfcli.Feature{Name: "`removed` blocks",
		Terraform: "1.7", OpenTofu: "1.7"}
	featureProviderFunctions = tfcli.Feature{Name: "The function `provider::ncloudkms::ciphertext_version`",
		Terraform: "1.8", OpenTofu: "1.7"}
	featureEphemeralResources = tfcli.Feature{Name: "Ephemeral resources (`ncloudkms_decrypt`, `ncloudkms_data_key`, `ncloudkms_key_tokens`)",
		Terraform: "1.10", OpenTofu: "1.11"}
	featureWriteOnlyArguments = tfcli.Feature{Name: "Write-only arguments (`plaintext_wo` of `ncloudkms_ciphertext`)",
		Terraform: "1.11", OpenTofu: "1.11"}
	featureResourceIdentity = tfcli.Feature{Name: "Resource identity and `import` by identity",
		Terraform: "1.12", OpenTofu: "1.12"}
	featureListResources = tfcli.Feature{Name: "List resources and `terraform query` (`ncloudkms_key`, `ncloudkms_key_token_generator`, `ncloudkms_key_acl`)",
		Terraform: "1.14"}
	featureActions = tfcli.Feature{Name: "Actions (`ncloudkms_rotate_key`, `ncloudkms_cancel_key_deletion`) and `action_trigger`",
		Terraform: "1.14"}
	featureActionDestroyEvents = tfcli.Feature{Name: "Action triggers on destroy (`before_destroy`, `after_destroy`)",
		Terraform: "1.16"}
	featureLifecycleDestroyFalse = tfcli.Feature{Name: "`lifecycle { destroy = false }` (forget instead of destroy)",
		Terraform: "1.16", OpenTofu: "1.12"}
)

// cliFeatures is the table, in the README's order.
var cliFeatures = []tfcli.Feature{
	featureProvider,
	featurePlanTimeDeletionDiagnostics,
	featureTerraformData,
	featureImportBlocks,
	featureRemovedBlocks,
	featureProviderFunctions,
	featureEphemeralResources,
	featureWriteOnlyArguments,
	featureResourceIdentity,
	featureListResources,
	featureActions,
	featureActionDestroyEvents,
	featureLifecycleDestroyFalse,
}

// cliFeatureChecks gates a terraform-plugin-testing TestCase on features of the CLI under test.
func cliFeatureChecks(features ...tfcli.Feature) []tfversion.TerraformVersionCheck {
	checks := make([]tfversion.TerraformVersionCheck, len(features))
	for i, f := range features {
		checks[i] = cliFeatureCheck{feature: f}
	}
	return checks
}

type cliFeatureCheck struct{ feature tfcli.Feature }

// CheckTerraformVersion skips the test when the CLI terraform-plugin-testing runs lacks the
// feature. The request carries only a version number, so the CLI is told apart by detectCLI on
// the same binary.
func (c cliFeatureCheck) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	path, err := tfcli.Binary()
	if err != nil {
		resp.Error = err
		return
	}
	cli, err := tfcli.Detect(path)
	if err != nil {
		resp.Error = err
		return
	}
	if req.TerraformVersion != nil && !req.TerraformVersion.Equal(cli.Version) {
		resp.Error = fmt.Errorf("terraform-plugin-testing runs CLI version %s, but %s is %s", req.TerraformVersion, path, cli)
		return
	}
	if !cli.Supports(c.feature) {
		resp.Skip = c.feature.SkipReason(cli)
	}
}

// cliVersionTables are the documents that carry the table, relative to this package.
var cliVersionTables = []string{"../../README.md", "../../templates/index.md.tmpl"}

// cliTableHeader is the header row of the table in those documents.
const cliTableHeader = "| Feature | Terraform | OpenTofu |"

// readCLIVersionTable returns the rows of the table in a markdown file, as cliFeatures.
func readCLIVersionTable(t *testing.T, path string) []tfcli.Feature {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n")
	start := slices.Index(lines, cliTableHeader)
	if start < 0 || start+1 >= len(lines) || !strings.HasPrefix(lines[start+1], "|---") {
		t.Fatalf("%s has no table with the header %q", path, cliTableHeader)
	}
	var rows []tfcli.Feature
	for i := start + 2; i < len(lines) && strings.HasPrefix(lines[i], "|"); i++ {
		cells := strings.Split(strings.Trim(lines[i], "|"), "|")
		if len(cells) != 3 {
			t.Fatalf("%s:%d: want 3 cells, got %q", path, i+1, lines[i])
		}
		row := tfcli.Feature{Name: strings.TrimSpace(cells[0])}
		for j, dst := range []*string{&row.Terraform, &row.OpenTofu} {
			cell := strings.TrimSpace(cells[j+1])
			switch {
			case cell == "—":
			case regexp.MustCompile(`^\d+\.\d+\+$`).MatchString(cell):
				*dst = strings.TrimSuffix(cell, "+")
			default:
				t.Fatalf("%s:%d: %q is neither a version such as 1.7+ nor —", path, i+1, cell)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// TestCLIFeatures_matchTheDocs: the README's table and the provider docs' copy are cliFeatures,
// row for row, so that what they promise is what the tests skip on.
func TestCLIFeatures_matchTheDocs(t *testing.T) {
	for _, path := range cliVersionTables {
		if got := readCLIVersionTable(t, path); !slices.Equal(got, cliFeatures) {
			t.Errorf("%s: the CLI version table differs from cliFeatures (cli_features_test.go), which the tests skip on.\n"+
				"got the rows:\n%swant:\n%s", path, tableRows(got), tableRows(cliFeatures))
		}
	}
}

// tableRows writes features as the rows of the docs' table.
func tableRows(features []tfcli.Feature) string {
	cell := func(v string) string {
		if v == "" {
			return "—"
		}
		return v + "+"
	}
	var b strings.Builder
	for _, f := range features {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", f.Name, cell(f.Terraform), cell(f.OpenTofu))
	}
	return b.String()
}

// rawVersionGate matches a version gate that bypasses cliFeatures.
var rawVersionGate = regexp.MustCompile(`\.SkipBelow\(|\btfversion\.(Skip|Require)\w*\(|\btfversion\.Version\d`)

// TestCLIFeatures_testsGateOnTheTable: no test skips on a version number of its own, so every
// version skip is one of cliFeatures, which the docs' tables match.
func TestCLIFeatures_testsGateOnTheTable(t *testing.T) {
	harness := []string{"cli_features_test.go"}
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		if slices.Contains(harness, file) {
			continue
		}
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(raw), "\n") {
			if rawVersionGate.MatchString(line) {
				t.Errorf("%s:%d gates on a version number: %s\n"+
					"name the feature instead (wd.SkipWithout(featureX) or TerraformVersionChecks: cliFeatureChecks(featureX)),\n"+
					"adding it to cliFeatures and to the tables of README.md and templates/index.md.tmpl when it is new",
					file, i+1, strings.TrimSpace(line))
			}
		}
	}
}

// TestCLIFeatures_skipReasons: a CLI below a feature's version skips with a reason that names the
// feature, its versions and the CLI; OpenTofu is held to its own column.
func TestCLIFeatures_skipReasons(t *testing.T) {
	cli := func(product, v string) *tfcli.CLI {
		return &tfcli.CLI{Product: product, Version: mustVersion(t, v)}
	}
	lacksOpenTofu := tfcli.Feature{Name: "list resources", Terraform: "1.14"}
	for _, c := range []struct {
		cli      *tfcli.CLI
		feature  tfcli.Feature
		supports bool
	}{
		{cli(tfcli.ProductTerraform, "1.5.7"), featureRemovedBlocks, false},
		{cli(tfcli.ProductTerraform, "1.7.0-rc1"), featureRemovedBlocks, true},
		{cli(tfcli.ProductTerraform, "1.11.4"), featureRemovedBlocks, true},
		{cli(tfcli.ProductOpenTofu, "1.6.2"), featureRemovedBlocks, false},
		{cli(tfcli.ProductOpenTofu, "1.6.2"), featureImportBlocks, true},
		{cli(tfcli.ProductOpenTofu, "1.12.6"), lacksOpenTofu, false},
		{cli(tfcli.ProductTerraform, "1.14.0"), lacksOpenTofu, true},
	} {
		if got := c.cli.Supports(c.feature); got != c.supports {
			t.Errorf("%s supports %q = %v, want %v", c.cli, c.feature.Name, got, c.supports)
		}
	}
	if got, want := featureRemovedBlocks.SkipReason(cli(tfcli.ProductTerraform, "1.5.7")),
		"`removed` blocks: needs Terraform 1.7+ or OpenTofu 1.7+; this is Terraform 1.5.7"; got != want {
		t.Errorf("skip reason %q, want %q", got, want)
	}
	if got, want := lacksOpenTofu.SkipReason(cli(tfcli.ProductOpenTofu, "1.12.6")),
		"list resources: needs Terraform 1.14+ (no OpenTofu release has it); this is OpenTofu 1.12.6"; got != want {
		t.Errorf("skip reason %q, want %q", got, want)
	}
}

func mustVersion(t *testing.T, v string) *version.Version {
	t.Helper()
	parsed, err := version.NewVersion(v)
	if err != nil {
		t.Fatal(err)
	}
	return parsed
}
