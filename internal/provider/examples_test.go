package provider

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// The examples are what users copy, and the docs embed them: each folder must pass terraform
// validate against this provider's real schema, through the CLI, as a user would run it.

// examplesRoot is examples/ seen from this package's directory, where go test runs.
const examplesRoot = "../../examples"

// exampleRequiredProviders is added to a copy of an example folder that has no required_providers
// block (resource.tf and data-source.tf snippets, as tfplugindocs embeds them): without it
// Terraform would look for hashicorp/ncloudkms, which is not this provider.
const exampleRequiredProviders = `terraform {
  required_providers {
    ncloudkms = {
      source = "ncloudkms/ncloudkms"
    }
  }
}
`

// exampleValidateTimeout bounds one terraform or go command of this test.
const exampleValidateTimeout = 5 * time.Minute

// TestAccExamples_validate runs terraform validate in a copy of every folder under examples/ that
// holds .tf files, with the provider built from this checkout through dev_overrides, and checks
// that terraform fmt finds nothing to change.
func TestAccExamples_validate(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 to run the Terraform CLI")
	}
	terraform, err := tfcli.Binary()
	if err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs(examplesRoot)
	if err != nil {
		t.Fatal(err)
	}
	dirs := exampleDirs(t, root)
	if len(dirs) == 0 {
		t.Fatalf("no folder with .tf files under %s", root)
	}
	cliConfig := writeDevOverridesConfig(t, buildProviderBinary(t))

	t.Run("fmt", func(t *testing.T) {
		t.Parallel()
		// An older CLI cannot parse the syntax of newer features; the formatting is checked on the others.
		cli, err := tfcli.Detect(terraform)
		if err != nil {
			t.Fatal(err)
		}
		for _, rel := range dirs {
			for _, need := range exampleNeeds(t, filepath.Join(root, rel)) {
				if !cli.Supports(need) {
					t.Skipf("examples/%s: %s", rel, need.SkipReason(cli))
				}
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), exampleValidateTimeout)
		defer cancel()
		formatted, files, err := exampleTerraform(t, terraform, root, cliConfig).FormatCheck(ctx, tfexec.Recursive(true))
		if err != nil {
			t.Fatalf("terraform fmt -check -recursive examples/ did not run: %v", err)
		}
		if !formatted {
			t.Fatalf("terraform fmt -check -recursive examples/ wants changes in %q (run go generate ./...)", files)
		}
	})

	// The harness itself must be able to fail: a snippet with a wrong value is refused.
	t.Run("an invalid snippet fails", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		writeExampleFile(t, dir, "main.tf", "resource \"ncloudkms_key\" \"bad\" {\n  name = \"bad-key\"\n  type = \"AES128\"\n}\n")
		writeExampleFile(t, dir, "required_providers.tf", exampleRequiredProviders)
		if out := validateExample(t, terraform, dir, cliConfig); out.Valid {
			t.Fatalf("terraform validate accepted type = \"AES128\":\n%s", describeValidation(out))
		}
	})

	for _, rel := range dirs {
		t.Run(rel, func(t *testing.T) {
			t.Parallel()
			cli, err := tfcli.Detect(terraform)
			if err != nil {
				t.Fatal(err)
			}
			for _, need := range exampleNeeds(t, filepath.Join(root, rel)) {
				if !cli.Supports(need) {
					t.Skip(need.SkipReason(cli))
				}
			}
			dir := copyExampleFolder(t, filepath.Join(root, rel))
			if out := validateExample(t, terraform, dir, cliConfig); !out.Valid {
				t.Fatalf("terraform validate failed in examples/%s:\n%s", rel, describeValidation(out))
			}
		})
	}
}

// exampleFeatureUses are the features of the CLI version table (cli_features_test.go) that an
// example can use, and how its .tf files show it.
var exampleFeatureUses = []struct {
	feature tfcli.Feature
	used    *regexp.Regexp
}{
	{featureProviderFunctions, regexp.MustCompile(`provider::`)},
	{featureEphemeralResources, regexp.MustCompile(`(?m)^\s*ephemeral\s+"`)},
	{featureEphemeralResources, regexp.MustCompile(`(?m)^\s*ephemeral\s*=\s*true`)},
	{featureWriteOnlyArguments, regexp.MustCompile(`(?m)^\s*\w+_wo\s*=`)},
	{featureActions, regexp.MustCompile(`(?m)^\s*(action\s+"|action_trigger\s*\{)`)},
	{featureActionDestroyEvents, regexp.MustCompile(`\b(before|after)_destroy\b`)},
	{featureResourceIdentity, regexp.MustCompile(`(?m)^\s*identity\s*=\s*\{`)},
}

// exampleNeeds lists the features that the .tf files of one example folder use.
func exampleNeeds(t *testing.T, dir string) []tfcli.Feature {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		t.Fatal(err)
	}
	var needs []tfcli.Feature
	for _, file := range files {
		content, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range exampleFeatureUses {
			if u.used.Match(content) && !slices.Contains(needs, u.feature) {
				needs = append(needs, u.feature)
			}
		}
	}
	return needs
}

// exampleDirs lists the folders under root that hold at least one .tf file, relative to root
// and with forward slashes, in lexical order.
func exampleDirs(t *testing.T, root string) []string {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".terraform" {
			return filepath.SkipDir
		}
		if d.IsDir() || filepath.Ext(path) != ".tf" {
			return nil
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		if rel = filepath.ToSlash(rel); !slices.Contains(dirs, rel) {
			dirs = append(dirs, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("listing %s: %v", root, err)
	}
	slices.Sort(dirs)
	return dirs
}

// copyExampleFolder copies the .tf files of one example folder (not its subfolders, which are
// examples of their own) into a temporary folder, adding the required_providers block when the
// example has none.
func copyExampleFolder(t *testing.T, src string) string {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	declaresProvider := false
	for _, e := range entries {
		if e.IsDir() || filepath.Ext(e.Name()) != ".tf" {
			continue
		}
		content, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		declaresProvider = declaresProvider || strings.Contains(string(content), "required_providers")
		writeExampleFile(t, dst, e.Name(), string(content))
	}
	if !declaresProvider {
		writeExampleFile(t, dst, "zz_required_providers_for_validate.tf", exampleRequiredProviders)
	}
	return dst
}

func writeExampleFile(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// buildProviderBinary builds this checkout's provider once, into a folder that dev_overrides
// can point at, and returns that folder.
func buildProviderBinary(t *testing.T) string {
	t.Helper()
	module, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	binDir := t.TempDir()
	binary := "terraform-provider-ncloudkms"
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("building the provider needs the go command on PATH: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), exampleValidateTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, goTool, "build", "-o", filepath.Join(binDir, binary), ".")
	cmd.Dir = module
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build of the provider failed: %v\n%s", err, out)
	}
	return binDir
}

// writeDevOverridesConfig writes a CLI configuration that makes Terraform use the provider in
// binDir for ncloudkms/ncloudkms without terraform init, and returns its path.
func writeDevOverridesConfig(t *testing.T, binDir string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "terraformrc")
	config := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "ncloudkms/ncloudkms" = %q
  }
  direct {}
}
`, filepath.ToSlash(binDir))
	writeExampleFile(t, filepath.Dir(path), filepath.Base(path), config)
	return path
}

// exampleTerraform is tfexec on the CLI in dir, with the given CLI configuration.
func exampleTerraform(t *testing.T, terraform, dir, cliConfig string) *tfexec.Terraform {
	t.Helper()
	tf, err := tfcli.NewExec(dir, terraform, cliConfig)
	if err != nil {
		t.Fatal(err)
	}
	return tf
}

// validateExample runs terraform validate -json in dir (tfexec.Validate): Valid is false exactly
// when the CLI exits 1.
func validateExample(t *testing.T, terraform, dir, cliConfig string) *tfjson.ValidateOutput {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), exampleValidateTimeout)
	defer cancel()
	out, err := exampleTerraform(t, terraform, dir, cliConfig).Validate(ctx)
	if err != nil {
		t.Fatalf("terraform validate did not run in %s: %v", dir, err)
	}
	return out
}

// describeValidation lists the diagnostics of a validation, with the file and line they point at.
func describeValidation(out *tfjson.ValidateOutput) string {
	var b strings.Builder
	for _, d := range out.Diagnostics {
		fmt.Fprintf(&b, "  %s: %s\n    %s\n", d.Severity, d.Summary, strings.ReplaceAll(d.Detail, "\n", "\n    "))
		if d.Range != nil {
			fmt.Fprintf(&b, "    at %s:%d\n", d.Range.Filename, d.Range.Start.Line)
		}
	}
	return b.String()
}
