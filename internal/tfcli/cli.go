package tfcli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
)

// The CLIs a test process runs are told apart once each: tfexec reads the version from
// `version -json` (OpenTofu writes its own version in its terraform_version field), and the first
// line of `version` names the product: "Terraform v1.11.4" or "OpenTofu v1.12.6".

const (
	ProductTerraform = "Terraform"
	ProductOpenTofu  = "OpenTofu"
)

// CLI is one Terraform or OpenTofu binary and what it says it is.
type CLI struct {
	Path    string
	Product string // "Terraform" or "OpenTofu"
	Version *version.Version
}

func (c *CLI) String() string { return c.Product + " " + c.Version.String() }

// IsOpenTofu reports whether the CLI is OpenTofu.
func (c *CLI) IsOpenTofu() bool { return c.Product == ProductOpenTofu }

// RegistryHost is the host the CLI resolves a source address without one to: a configuration's
// "ncloudkms/ncloudkms" is registry.opentofu.org/ncloudkms/ncloudkms under OpenTofu.
func (c *CLI) RegistryHost() string {
	if c.IsOpenTofu() {
		return "registry.opentofu.org"
	}
	return "registry.terraform.io"
}

// ProviderSources are the addresses a configuration may give the provider of source
// ("namespace/type") on this CLI: with a required_providers block (namespace/type) or without one
// (hashicorp/type), on the CLI's registry host, plus TF_ACC_PROVIDER_HOST and
// TF_ACC_PROVIDER_NAMESPACE when they are set.
func (c *CLI) ProviderSources(source string) []string {
	namespace, typeName, _ := strings.Cut(source, "/")
	hosts := []string{c.RegistryHost()}
	if h := strings.TrimSuffix(os.Getenv("TF_ACC_PROVIDER_HOST"), "/"); h != "" && h != hosts[0] {
		hosts = append(hosts, h)
	}
	namespaces := []string{namespace}
	if namespace != "hashicorp" {
		namespaces = append(namespaces, "hashicorp")
	}
	if ns := strings.TrimSuffix(os.Getenv("TF_ACC_PROVIDER_NAMESPACE"), "/"); ns != "" && ns != namespace && ns != "hashicorp" {
		namespaces = append(namespaces, ns)
	}
	var sources []string
	for _, h := range hosts {
		for _, ns := range namespaces {
			sources = append(sources, h+"/"+ns+"/"+typeName)
		}
	}
	return sources
}

// Feature is a CLI feature with the first version of each CLI that has it.
type Feature struct {
	Name      string // what the feature is, as a skip names it
	Terraform string // first Terraform version with the feature ("1.7")
	OpenTofu  string // first OpenTofu version with it, "" when no OpenTofu release has it
}

// SkipReason names the feature, what it needs and the CLI that lacks it, e.g. "`removed` blocks:
// needs Terraform 1.7+ or OpenTofu 1.7+; this is Terraform 1.5.7".
func (f Feature) SkipReason(cli *CLI) string {
	need := "Terraform " + f.Terraform + "+ or OpenTofu " + f.OpenTofu + "+"
	if f.OpenTofu == "" {
		need = "Terraform " + f.Terraform + "+ (no OpenTofu release has it)"
	}
	return fmt.Sprintf("%s: needs %s; this is %s", f.Name, need, cli)
}

// Supports reports whether the CLI has the feature. Prereleases count as their release, as in
// terraform-plugin-testing's tfversion checks.
func (c *CLI) Supports(f Feature) bool {
	minimum := f.Terraform
	if c.IsOpenTofu() {
		minimum = f.OpenTofu
	}
	if minimum == "" {
		return false
	}
	return !c.Version.Core().LessThan(version.Must(version.NewVersion(minimum)))
}

// Binary is the path of the CLI under test: TF_ACC_TERRAFORM_PATH, else `terraform` on PATH, as
// terraform-plugin-testing picks it.
func Binary() (string, error) {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p, nil
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		return "", fmt.Errorf("no Terraform CLI: put terraform on PATH or set TF_ACC_TERRAFORM_PATH: %w", err)
	}
	return p, nil
}

// UnderTest is the CLI that terraform-plugin-testing and New run; it fails the test when there is
// none.
func UnderTest(t *testing.T) *CLI {
	t.Helper()
	path, err := Binary()
	if err != nil {
		t.Fatal(err)
	}
	cli, err := Detect(path)
	if err != nil {
		t.Fatal(err)
	}
	return cli
}

type detection struct {
	once sync.Once
	cli  *CLI
	err  error
}

// detected holds one *detection per binary path.
var detected sync.Map

// Detect says which CLI is at path, asking it once per test process.
func Detect(path string) (*CLI, error) {
	v, _ := detected.LoadOrStore(path, &detection{})
	d, _ := v.(*detection) // detected holds nothing else
	d.once.Do(func() { d.cli, d.err = identify(path) })
	return d.cli, d.err
}

func identify(path string) (*CLI, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tf, err := NewExec(os.TempDir(), path, os.DevNull)
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
	cmd.Env = append(Environment(), "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE="+os.DevNull)
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s version: %w", path, err)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	for _, product := range []string{ProductTerraform, ProductOpenTofu} {
		if strings.HasPrefix(first, product+" v") {
			return &CLI{Path: path, Product: product, Version: cliVersion}, nil
		}
	}
	return nil, fmt.Errorf("%s version: %q is neither Terraform's nor OpenTofu's first line", path, first)
}
