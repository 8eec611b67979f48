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
)

// The CLI versions the provider's features need, once: the README's table "Which CLI versions"
// (and the provider docs' copy of it) and every version skip of the tests come from cliFeatures,
// and TestCLIFeatures_* fail when they disagree.
//
// A test that needs a CLI feature says so with wd.SkipWithout(feature) (the CLI harness) or
// TerraformVersionChecks: cliFeatureChecks(feature) (terraform-plugin-testing), never with a
// version number of its own. A new feature gets a variable here, a row in cliFeatures, and the
// same row in README.md and templates/index.md.tmpl.

// cliFeature is a CLI feature with the first version of each CLI that has it.
type cliFeature struct {
	Name      string // the first column of the README's table, verbatim
	Terraform string // first Terraform version with the feature ("1.7")
	OpenTofu  string // first OpenTofu version with it, "" when no OpenTofu release has it
}

var (
	featureProvider = cliFeature{Name: "This provider (plugin protocol 6)",
		Terraform: "1.0", OpenTofu: "1.6"}
	featurePlanTimeDeletionDiagnostics = cliFeature{Name: "Plan-time deletion warnings and errors, and the pipeline gate",
		Terraform: "1.3", OpenTofu: "1.6"}
	featureTerraformData = cliFeature{Name: "`terraform_data` (built in; some tests use it)",
		Terraform: "1.4", OpenTofu: "1.6"}
	featureImportBlocks = cliFeature{Name: "`import` blocks",
		Terraform: "1.5", OpenTofu: "1.6"}
	featureRemovedBlocks = cliFeature{Name: "`removed` blocks",
		Terraform: "1.7", OpenTofu: "1.7"}
	featureProviderFunctions = cliFeature{Name: "The function `provider::ncloudkms::ciphertext_version`",
		Terraform: "1.8", OpenTofu: "1.7"}
	featureEphemeralResources = cliFeature{Name: "Ephemeral resources (`ncloudkms_decrypt`, `ncloudkms_data_key`, `ncloudkms_key_tokens`)",
		Terraform: "1.10", OpenTofu: "1.11"}
	featureWriteOnlyArguments = cliFeature{Name: "Write-only arguments (`plaintext_wo` of `ncloudkms_ciphertext`)",
		Terraform: "1.11", OpenTofu: "1.11"}
	featureResourceIdentity = cliFeature{Name: "Resource identity and `import` by identity",
		Terraform: "1.12", OpenTofu: "1.12"}
	featureListResources = cliFeature{Name: "List resources and `terraform query` (`ncloudkms_key`, `ncloudkms_key_token_generator`, `ncloudkms_key_acl`)",
		Terraform: "1.14"}
	featureActions = cliFeature{Name: "Actions (`ncloudkms_rotate_key`, `ncloudkms_cancel_key_deletion`) and `action_trigger`",
		Terraform: "1.14"}
	featureActionDestroyEvents = cliFeature{Name: "Action triggers on destroy (`before_destroy`, `after_destroy`)",
		Terraform: "1.16"}
	featureLifecycleDestroyFalse = cliFeature{Name: "`lifecycle { destroy = false }` (forget instead of destroy)",
		Terraform: "1.16", OpenTofu: "1.12"}
)

// cliFeatures is the table, in the README's order.
var cliFeatures = []cliFeature{
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

// skipReason names the feature, what it needs and the CLI that lacks it, e.g. "`removed` blocks
// need Terraform 1.7+ or OpenTofu 1.7+: this is Terraform 1.5.7".
func (f cliFeature) skipReason(cli *tfCLI) string {
	need := "Terraform " + f.Terraform + "+ or OpenTofu " + f.OpenTofu + "+"
	if f.OpenTofu == "" {
		need = "Terraform " + f.Terraform + "+ (no OpenTofu release has it)"
	}
	return fmt.Sprintf("%s: needs %s; this is %s", f.Name, need, cli)
}

// cliFeatureChecks gates a terraform-plugin-testing TestCase on features of the CLI under test.
func cliFeatureChecks(features ...cliFeature) []tfversion.TerraformVersionCheck {
	checks := make([]tfversion.TerraformVersionCheck, len(features))
	for i, f := range features {
		checks[i] = cliFeatureCheck{feature: f}
	}
	return checks
}

type cliFeatureCheck struct{ feature cliFeature }

// CheckTerraformVersion skips the test when the CLI terraform-plugin-testing runs lacks the
// feature. The request carries only a version number, so the CLI is told apart by detectCLI on
// the same binary.
func (c cliFeatureCheck) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	path, err := terraformBinary()
	if err != nil {
		resp.Error = err
		return
	}
	cli, err := detectCLI(path)
	if err != nil {
		resp.Error = err
		return
	}
	if req.TerraformVersion != nil && !req.TerraformVersion.Equal(cli.Version) {
		resp.Error = fmt.Errorf("terraform-plugin-testing runs CLI version %s, but %s is %s", req.TerraformVersion, path, cli)
		return
	}
	if !cli.Supports(c.feature) {
		resp.Skip = c.feature.skipReason(cli)
	}
}

// cliVersionTables are the documents that carry the table, relative to this package.
var cliVersionTables = []string{"../../README.md", "../../templates/index.md.tmpl"}

// cliTableHeader is the header row of the table in those documents.
const cliTableHeader = "| Feature | Terraform | OpenTofu |"

// readCLIVersionTable returns the rows of the table in a markdown file, as cliFeatures.
func readCLIVersionTable(t *testing.T, path string) []cliFeature {
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
	var rows []cliFeature
	for i := start + 2; i < len(lines) && strings.HasPrefix(lines[i], "|"); i++ {
		cells := strings.Split(strings.Trim(lines[i], "|"), "|")
		if len(cells) != 3 {
			t.Fatalf("%s:%d: want 3 cells, got %q", path, i+1, lines[i])
		}
		row := cliFeature{Name: strings.TrimSpace(cells[0])}
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
func tableRows(features []cliFeature) string {
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
	harness := []string{"tfcli_test.go", "cli_features_test.go"}
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
	cli := func(product, v string) *tfCLI {
		return &tfCLI{Product: product, Version: mustVersion(t, v)}
	}
	lacksOpenTofu := cliFeature{Name: "list resources", Terraform: "1.14"}
	for _, c := range []struct {
		cli      *tfCLI
		feature  cliFeature
		supports bool
	}{
		{cli(productTerraform, "1.5.7"), featureRemovedBlocks, false},
		{cli(productTerraform, "1.7.0-rc1"), featureRemovedBlocks, true},
		{cli(productTerraform, "1.11.4"), featureRemovedBlocks, true},
		{cli(productOpenTofu, "1.6.2"), featureRemovedBlocks, false},
		{cli(productOpenTofu, "1.6.2"), featureImportBlocks, true},
		{cli(productOpenTofu, "1.12.6"), lacksOpenTofu, false},
		{cli(productTerraform, "1.14.0"), lacksOpenTofu, true},
	} {
		if got := c.cli.Supports(c.feature); got != c.supports {
			t.Errorf("%s supports %q = %v, want %v", c.cli, c.feature.Name, got, c.supports)
		}
	}
	if got, want := featureRemovedBlocks.skipReason(cli(productTerraform, "1.5.7")),
		"`removed` blocks: needs Terraform 1.7+ or OpenTofu 1.7+; this is Terraform 1.5.7"; got != want {
		t.Errorf("skip reason %q, want %q", got, want)
	}
	if got, want := lacksOpenTofu.skipReason(cli(productOpenTofu, "1.12.6")),
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

// TestTFCLI_detectAndSources: the harness tells Terraform from OpenTofu by `version`, takes the
// version from `version -json` (OpenTofu's too), and reattaches the provider under the registry
// host that CLI resolves a configuration's source to.
func TestTFCLI_detectAndSources(t *testing.T) {
	t.Setenv("TF_ACC_PROVIDER_HOST", "")
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "")
	dir := t.TempDir()
	// fake is a CLI that answers `version` with firstLine and `version -json` as Terraform and
	// OpenTofu do, with the version in terraform_version.
	fake := func(name, firstLine string) string {
		path := filepath.Join(dir, name)
		_, v, _ := strings.Cut(firstLine, " v")
		script := fmt.Sprintf(`#!/bin/sh
if [ "$2" = "-json" ]; then
  echo '{"terraform_version": "%s", "platform": "linux_amd64", "provider_selections": {}}'
else
  echo '%s'
  echo 'on linux_amd64'
fi
`, v, firstLine)
		if err := os.WriteFile(path, []byte(script), 0o700); err != nil {
			t.Fatal(err)
		}
		return path
	}
	for _, c := range []struct {
		name, firstLine, want string
		sources               []string
	}{
		{"terraform", "Terraform v1.11.4", "Terraform 1.11.4",
			[]string{"registry.terraform.io/ncloudkms/ncloudkms", "registry.terraform.io/hashicorp/ncloudkms"}},
		{"tofu", "OpenTofu v1.12.6", "OpenTofu 1.12.6",
			[]string{"registry.opentofu.org/ncloudkms/ncloudkms", "registry.opentofu.org/hashicorp/ncloudkms"}},
		{"terraform-rc", "Terraform v1.12.0-rc1", "Terraform 1.12.0-rc1",
			[]string{"registry.terraform.io/ncloudkms/ncloudkms", "registry.terraform.io/hashicorp/ncloudkms"}},
	} {
		cli, err := detectCLI(fake(c.name, c.firstLine))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if cli.String() != c.want {
			t.Errorf("%s: detected %s, want %s", c.name, cli, c.want)
		}
		if got := cli.ProviderSources(); !slices.Equal(got, c.sources) {
			t.Errorf("%s: sources %q, want %q", c.name, got, c.sources)
		}
	}
	if _, err := detectCLI(fake("other", "Something v1.0.0")); err == nil {
		t.Error("a CLI that is neither Terraform nor OpenTofu was accepted")
	}

	// terraform-plugin-testing's variables add their host and namespace.
	t.Setenv("TF_ACC_PROVIDER_HOST", "example.com")
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "someone")
	cli, err := detectCLI(fake("tofu2", "OpenTofu v1.12.6"))
	if err != nil {
		t.Fatal(err)
	}
	if got := cli.ProviderSources(); !slices.Contains(got, "example.com/someone/ncloudkms") ||
		!slices.Contains(got, "registry.opentofu.org/hashicorp/ncloudkms") {
		t.Errorf("sources %q lack example.com/someone/ncloudkms or the CLI's own host", got)
	}
}
