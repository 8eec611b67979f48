package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Packages buildProvider compiles: the provider as released, or the same with CPU profiling,
// and the null provider that stands for the least any provider could do.
const (
	providerPackage         = "."
	profiledProviderPackage = "./internal/cmd/bench/profiledprovider"
	nullProviderPackage     = "./internal/cmd/bench/nullprovider"
)

// nullLatencyEnv tells the null provider how long an API call takes; nullprovider reads the same name.
const nullLatencyEnv = "NULLKMS_LATENCY"

// profileDirEnv tells the profiled provider where to write; profiledprovider reads the same name.
const profileDirEnv = "NCLOUDKMS_BENCH_PROFILE_DIR"

// buildProvider compiles pkg of the enclosing module to out, as `make build` does.
func buildProvider(ctx context.Context, pkg, out string) error {
	moduleDir, err := moduleRoot(ctx)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, pkg)
	cmd.Dir = moduleDir
	if output, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building the provider in %s: %w\n%s", moduleDir, err, output)
	}
	return nil
}

// moduleRoot is the directory of the go.mod that encloses the working directory.
func moduleRoot(ctx context.Context) (string, error) {
	output, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(output))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("run the bench inside the provider's module (go env GOMOD gave %q)", gomod)
	}
	return filepath.Dir(gomod), nil
}

// terraformVersion is the first line of `terraform version`, for the report's header.
func terraformVersion(ctx context.Context, terraform string, env []string) string {
	cmd := exec.CommandContext(ctx, terraform, "version")
	cmd.Env = env
	output, err := cmd.Output()
	if err != nil {
		return "terraform (version unknown)"
	}
	first, _, _ := bytes.Cut(output, []byte("\n"))
	return string(first)
}
