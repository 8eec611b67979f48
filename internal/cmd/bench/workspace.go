package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/server"
)

// workspace is the temporary directory a run writes to; nothing is written anywhere else
// (Terraform gets its home folder as HOME too).
type workspace struct {
	root string
}

// What the workspace holds, relative to its root.
const (
	binDir             = "bin" // the built providers, named as dev_overrides expects
	providerBinary     = "terraform-provider-ncloudkms"
	nullProviderBinary = "terraform-provider-nullkms"
	keysDir            = "keys"           // the configuration of the keys (keysRun.dir: one per run)
	nullDir            = "null"           // the same on the null provider
	frameworkNullDir   = "null-framework" // and on the null provider served by the framework
	cliConfigFile      = "terraformrc"
	certFile           = "mock-cert.pem" // SSL_CERT_FILE: the certificate of the HTTPS mock
)

// nullLatencyEnv tells the null provider how long an API call takes, and nullFrameworkEnv=1 serves
// it by the framework; nullprovider reads the same names.
const (
	nullLatencyEnv   = "NULLKMS_LATENCY"
	nullFrameworkEnv = "NULLKMS_FRAMEWORK"
)

// newWorkspace writes the CLI configuration and the two configurations of n resources.
func newWorkspace(n int) (workspace, error) {
	root, err := os.MkdirTemp("", "ncloudkms-bench-")
	if err != nil {
		return workspace{}, err
	}
	ws := workspace{root: root}
	for _, dir := range []string{binDir, nullDir, frameworkNullDir, "home", "logs"} {
		if err := os.Mkdir(ws.path(dir), 0o755); err != nil {
			return ws, err
		}
	}
	files := map[string]string{
		cliConfigFile:                              cliConfig(ws.path(binDir)),
		filepath.Join(nullDir, "main.tf"):          config("nullkms", keyNamePrefix, n),
		filepath.Join(frameworkNullDir, "main.tf"): config("nullkms", keyNamePrefix, n),
		filepath.Join(nullDir, queryFile):          queryConfig("nullkms", keyNamePrefix, n),
		filepath.Join(frameworkNullDir, queryFile): queryConfig("nullkms", keyNamePrefix, n),
	}
	for _, run := range keysRuns(true) {
		if err := os.Mkdir(ws.path(run.dir()), 0o755); err != nil {
			return ws, err
		}
		files[filepath.Join(run.dir(), "main.tf")] = config("ncloudkms", run.prefix(), n)
		files[filepath.Join(run.dir(), queryFile)] = queryConfig("ncloudkms", run.prefix(), n)
	}
	for name, content := range files {
		if err := os.WriteFile(ws.path(name), []byte(content), 0o644); err != nil {
			return ws, err
		}
	}
	return ws, nil
}

// keysRun is one configuration of the keys on the real provider: as shipped, or with one of its
// workarounds switched off (DESIGN.md §11), so that the report shows what each is worth on the
// same build in the same run. Each has its own directory, state and key names.
type keysRun struct {
	index      int    // 0: as shipped
	workaround string // the one switched off; "" as shipped
}

// keysRuns are the provider as shipped, then one run per workaround (none without workarounds).
func keysRuns(workarounds bool) []keysRun {
	runs := []keysRun{{}}
	if !workarounds {
		return runs
	}
	for i, name := range server.Workarounds {
		runs = append(runs, keysRun{index: i + 1, workaround: name})
	}
	return runs
}

func (r keysRun) dir() string {
	if r.workaround == "" {
		return keysDir
	}
	return keysDir + "-without-" + r.workaround
}

// prefix starts the names of the run's keys: "bench" as shipped, "bench1" … for the others.
func (r keysRun) prefix() string {
	if r.index == 0 {
		return keyNamePrefix
	}
	return keyNamePrefix + strconv.Itoa(r.index)
}

// label names the run in log file names.
func (r keysRun) label() string {
	if r.workaround == "" {
		return "keys"
	}
	return "keys-without-" + r.workaround
}

// env is what the run adds to Terraform's environment (the provider inherits it).
func (r keysRun) env() []string {
	if r.workaround == "" {
		return nil
	}
	return []string{server.DisableWorkaroundsEnv + "=" + r.workaround}
}

func (ws workspace) path(elem ...string) string {
	return filepath.Join(append([]string{ws.root}, elem...)...)
}

func (ws workspace) remove() error {
	return os.RemoveAll(ws.root)
}

// buildProviders compiles the provider (as `make build` does) and the null provider into binDir,
// both with the benchprofile tag when profiled.
func (ws workspace) buildProviders(ctx context.Context, profiled bool) error {
	output, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(output))
	if gomod == "" || gomod == os.DevNull {
		return fmt.Errorf("run the bench inside the provider's module (go env GOMOD gave %q)", gomod)
	}
	for pkg, binary := range map[string]string{".": providerBinary, "./internal/cmd/bench/nullprovider": nullProviderBinary} {
		args := []string{"build", "-trimpath", "-ldflags=-s -w", "-o", ws.path(binDir, binary)}
		if profiled {
			args = append(args, "-tags=benchprofile")
		}
		cmd := exec.CommandContext(ctx, "go", append(args, pkg)...)
		cmd.Dir = filepath.Dir(gomod)
		if output, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("building %s in %s: %w\n%s", pkg, cmd.Dir, err, output)
		}
	}
	return nil
}

// The update step sets var.revision to updatedRevision; the first changedCount(n) resources take
// it as their memo, the others keep "revision 1".
const updatedRevision = 2

// changedCount is how many resources the update step changes: 10 %, at least one.
func changedCount(n int) int {
	return max(1, (n+9)/10)
}

// keyNamePrefix starts the names of the keys of the provider as shipped, and of the null provider's.
const keyNamePrefix = "bench"

// keyName is the name of key i of a run; the mock starts empty, so names are unique within a run.
func keyName(prefix string, i int) string {
	return fmt.Sprintf("%s-%05d", prefix, i)
}

// memoFor is the memo resource i has at revision.
func memoFor(i, n, revision int) string {
	if i < changedCount(n) {
		return "revision " + strconv.Itoa(revision)
	}
	return "revision 1"
}

// config is the configuration of n keys named prefix-00000 … of the provider ncloudkms/<name>:
// ncloudkms_key, or the null provider's nullkms_key. One counted resource keeps the file small; Terraform still plans and
// applies every instance as its own node. The provider block sets nothing: endpoint and credentials
// come from the environment and max_retries stays at its default, so retries behave as they would
// for a user.
func config(name, prefix string, n int) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    %[1]s = {
      source = "ncloudkms/%[1]s"
    }
  }
}

# Endpoint and credentials come from NCLOUD_* variables; max_retries is left at its default.
provider "%[1]s" {}

variable "revision" {
  type    = number
  default = 1
}

resource "%[1]s_key" "bench" {
  count           = %[2]d
  name            = format("%[4]s-%%05d", count.index)
  type            = "AES256"
  memo            = count.index < %[3]d ? "revision ${var.revision}" : "revision 1"
  deletion_policy = "DELETE"
}
`, name, n, changedCount(n), prefix)
}

// queryFile is what the query steps run: terraform query reads every .tfquery.hcl file.
const queryFile = "keys.tfquery.hcl"

// queryConfig lists the n keys named prefix-… of the provider ncloudkms/<name>, with their attributes
// when var.include_resource is true. The limit is n (Terraform's default is 100), and the name
// filter leaves out the other runs' keys, which the same account holds.
func queryConfig(name, prefix string, n int) string {
	return fmt.Sprintf(`variable "include_resource" {
  type    = bool
  default = false
}

list "%[1]s_key" "bench" {
  provider         = %[1]s
  include_resource = var.include_resource
  limit            = %[2]d

  config {
    name_regex = "^%[3]s-"
  }
}
`, name, n, prefix)
}

// cliConfig points Terraform at the providers built into binDir instead of the registry.
func cliConfig(binDir string) string {
	return fmt.Sprintf(`provider_installation {
  dev_overrides {
    "ncloudkms/ncloudkms" = %q
    "ncloudkms/nullkms"   = %q
  }
  direct {}
}
`, binDir, binDir)
}
