package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestTerraformEnv(t *testing.T) {
	base := []string{"PATH=/usr/bin", "HOME=/root", "TF_CLI_ARGS=-refresh=false", "TF_DATA_DIR=/x",
		"NCLOUD_ACCESS_KEY=real", "NCLOUD_REGION=KR", "TF_LOG=DEBUG", "CHECKPOINT_DISABLE=", "GOFLAGS=-mod=mod"}
	env := terraformEnv(base, map[string]string{"HOME": "/tmp/b/home", "NCLOUD_ACCESS_KEY": "mock", "CHECKPOINT_DISABLE": "1"})
	slices.Sort(env)
	want := []string{"CHECKPOINT_DISABLE=1", "GOFLAGS=-mod=mod", "HOME=/tmp/b/home", "NCLOUD_ACCESS_KEY=mock", "PATH=/usr/bin", "TF_LOG=DEBUG"}
	if !slices.Equal(env, want) {
		t.Errorf("got  %q\nwant %q", env, want)
	}
}

func TestLogTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	if err := os.WriteFile(path, []byte("1\n2\n3\n4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := logTail(path, 2); got != "3\n4" {
		t.Errorf("got %q", got)
	}
	if got := logTail(path, 10); got != "1\n2\n3\n4" {
		t.Errorf("got %q", got)
	}
	if got := logTail(filepath.Join(t.TempDir(), "none"), 2); !strings.Contains(got, "no such file") {
		t.Errorf("got %q", got)
	}
}

func TestTerraformRunner_reportsFailureWithLog(t *testing.T) {
	dir := t.TempDir()
	runner := &terraformRunner{path: "/bin/sh", logDir: dir}
	if _, err := runner.run(t.Context(), dir, "ok", "-c", "echo fine"); err != nil {
		t.Fatalf("ok: %v", err)
	}
	_, err := runner.run(t.Context(), dir, "bad", "-c", "echo something broke; exit 3")
	if err == nil || !strings.Contains(err.Error(), "exit code 3") || !strings.Contains(err.Error(), "something broke") {
		t.Errorf("err = %v", err)
	}
	if _, statErr := os.Stat(filepath.Join(dir, "02-bad.log")); statErr != nil {
		t.Errorf("log file: %v", statErr)
	}
}
