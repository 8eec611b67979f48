package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// terraformEnv is the environment of every Terraform command: the caller's, without anything
// that could change Terraform's or the provider's behaviour (TF_*, NCLOUD_*, HOME), plus the
// bench's settings. TF_LOG* pass through, for debugging with -keep.
func terraformEnv(base []string, settings map[string]string) []string {
	var env []string
	for _, kv := range base {
		name, _, _ := strings.Cut(kv, "=")
		dropped := strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "NCLOUD_") ||
			name == "HOME" || name == "CHECKPOINT_DISABLE"
		if dropped && !strings.HasPrefix(name, "TF_LOG") {
			continue
		}
		if _, overridden := settings[name]; !overridden {
			env = append(env, kv)
		}
	}
	for name, value := range settings {
		env = append(env, name+"="+value)
	}
	return env
}

// terraformRunner runs Terraform commands and keeps each one's output in a log file.
type terraformRunner struct {
	path   string
	env    []string
	logDir string
	seq    int
}

// timing is what one command cost.
type timing struct {
	wall time.Duration
	// cpu is user + system time of Terraform and of the provider processes it started and
	// reaped. Unlike wall time it hardly moves when other work loads the machine.
	cpu     time.Duration
	process processSample // the provider processes, sampled while the command ran
}

// processSample is what a processSampler saw of the provider processes while a command ran. Only
// Linux has the /proc it reads (processes_linux.go); elsewhere it stays zero (processes_other.go).
type processSample struct {
	processes  int    // distinct provider processes
	peakMemory uint64 // largest VmHWM of any of them, bytes
}

// run executes terraform args in dir and times it. An exit code other than 0 is an error that
// quotes the end of the log.
func (t *terraformRunner) run(ctx context.Context, dir, label string, args ...string) (timing, error) {
	return t.runWithEnv(ctx, nil, dir, label, args...)
}

// runWithEnv is run with extraEnv added to Terraform's environment.
func (t *terraformRunner) runWithEnv(ctx context.Context, extraEnv []string, dir, label string, args ...string) (timing, error) {
	t.seq++
	logPath := filepath.Join(t.logDir, fmt.Sprintf("%02d-%s.log", t.seq, label))
	logFile, err := os.Create(logPath)
	if err != nil {
		return timing{}, err
	}
	defer logFile.Close()
	fmt.Fprintf(logFile, "$ terraform %s   (in %s)\n", strings.Join(args, " "), dir)

	cmd := exec.CommandContext(ctx, t.path, args...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, append(slices.Clip(t.env), extraEnv...), logFile, logFile
	start := time.Now()
	err = cmd.Run()
	cost := timing{wall: time.Since(start)}
	if state := cmd.ProcessState; state != nil {
		cost.cpu = state.UserTime() + state.SystemTime()
	}
	if err == nil {
		return cost, nil
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		err = fmt.Errorf("exit code %d", exitErr.ExitCode())
	}
	return cost, fmt.Errorf("terraform %s (%s) failed: %w; the end of %s:\n%s", args[0], label, err, logPath, logTail(logPath, 25))
}

// logTail returns the last lines of a file.
func logTail(path string, lines int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	all := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return string(bytes.Join(all, []byte("\n")))
}

// version is the first line of `terraform version`, for the report's header.
func (t *terraformRunner) version(ctx context.Context) string {
	cmd := exec.CommandContext(ctx, t.path, "version")
	cmd.Env = t.env
	output, err := cmd.Output()
	if err != nil {
		return "terraform (version unknown)"
	}
	first, _, _ := bytes.Cut(output, []byte("\n"))
	return string(first)
}

// hasQuery reports whether the CLI has `terraform query` (Terraform 1.14+): `query -help` fails on
// the others, OpenTofu's included.
func (t *terraformRunner) hasQuery(ctx context.Context) bool {
	cmd := exec.CommandContext(ctx, t.path, "query", "-help")
	cmd.Env = t.env
	return cmd.Run() == nil
}
