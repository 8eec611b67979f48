package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// run builds the provider once, then benchmarks one size (or the two sizes of -scaling) and
// prints the tables, ending with the summary line.
func run(ctx context.Context, opts options, out io.Writer) (err error) {
	terraform, err := exec.LookPath("terraform")
	if err != nil {
		return fmt.Errorf("terraform is not on PATH (make bench puts one there): %w", err)
	}
	ws, err := newWorkspace()
	if err != nil {
		return err
	}
	defer func() {
		switch {
		case !opts.keep:
			_ = ws.remove()
		case err != nil:
			fmt.Fprintln(os.Stderr, "bench: kept", ws.root)
		}
	}()

	providerExe, extraEnv, err := buildForBench(ctx, ws, opts.cpuProfile)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, headerLine(terraformVersion(ctx, terraform,
		terraformEnv(os.Environ(), map[string]string{"TF_CLI_CONFIG_FILE": ws.cliConfig, "CHECKPOINT_DISABLE": "1"})), opts.tls))

	sizes := []int{opts.keys}
	if opts.scaling {
		sizes = []int{scalingSmallN, scalingLargeN}
	}
	var runs []runResult
	for _, n := range sizes {
		b := bench{ws: ws, terraform: terraform, providerExe: providerExe, keys: n, latency: opts.latency,
			parallelism: opts.parallelism, repeat: opts.repeat, tls: opts.tls, extraEnv: extraEnv}
		result, err := b.run(ctx)
		if err != nil {
			return err
		}
		writeRun(out, result)
		runs = append(runs, result)
	}
	if opts.scaling {
		writeScaling(out, runs[0], runs[1])
	}
	fmt.Fprintln(out)
	if opts.cpuProfile != "" {
		fmt.Fprintf(out, "CPU profiles of the provider processes: %s (go tool pprof -top %s/*.pprof)\n", extraEnv[profileDirEnv], extraEnv[profileDirEnv])
	}
	if opts.keep {
		fmt.Fprintln(out, "kept (configurations, state, one log per Terraform command):", ws.root)
	}
	fmt.Fprintln(out, summarize(runs...).summaryLine())
	return nil
}

// headerLine is the first line of the output: what ran the benchmark and how the API was served.
func headerLine(terraformVersion string, tls bool) string {
	api := "API over HTTP/1.1"
	if tls {
		api = "API over HTTPS (HTTP/2)"
	}
	return fmt.Sprintf("bench: %s, %s, %s/%s, %d CPUs, %s", terraformVersion,
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), api)
}

// buildForBench builds the provider into the workspace (the profiled one when profileDir is set)
// and returns the path /proc shows for it and the environment the profiled build needs.
func buildForBench(ctx context.Context, ws workspace, profileDir string) (string, map[string]string, error) {
	pkg := providerPackage
	var extraEnv map[string]string
	if profileDir != "" {
		dir, err := filepath.Abs(profileDir)
		if err == nil {
			err = os.MkdirAll(dir, 0o755)
		}
		if err != nil {
			return "", nil, err
		}
		pkg, extraEnv = profiledProviderPackage, map[string]string{profileDirEnv: dir}
	}
	if err := buildProvider(ctx, pkg, ws.providerPath()); err != nil {
		return "", nil, err
	}
	if err := buildProvider(ctx, nullProviderPackage, ws.nullProviderPath()); err != nil {
		return "", nil, err
	}
	// /proc/<pid>/exe shows the path with every symlink resolved.
	exe, err := filepath.EvalSymlinks(ws.providerPath())
	return exe, extraEnv, err
}
