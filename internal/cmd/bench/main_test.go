package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseOptions_defaults(t *testing.T) {
	opts, err := parseOptions(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if want := (options{keys: 300, latency: 25 * time.Millisecond, parallelism: 10, workarounds: true}); opts != want {
		t.Errorf("got %+v, want %+v", opts, want)
	}
}

func TestParseOptions_flags(t *testing.T) {
	opts, err := parseOptions([]string{"-n", "1000", "-latency", "5ms", "-parallelism", "20", "-keep", "-workarounds=false"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if want := (options{keys: 1000, latency: 5 * time.Millisecond, parallelism: 20, keep: true, workarounds: false}); opts != want {
		t.Errorf("got %+v, want %+v", opts, want)
	}
}

func TestParseOptions_cpuProfileIsAbsolute(t *testing.T) {
	opts, err := parseOptions([]string{"-cpuprofile", "profiles"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(opts.cpuProfiles) || filepath.Base(opts.cpuProfiles) != "profiles" {
		t.Errorf("cpuProfiles = %q, want an absolute path ending in profiles (the provider runs in another directory)", opts.cpuProfiles)
	}
}

func TestProfileEnv(t *testing.T) {
	if env, err := profileEnv("", "apply-keys", []string{"A=1"}); err != nil || !slices.Equal(env, []string{"A=1"}) {
		t.Errorf("unprofiled: %q (%v), want the env unchanged", env, err)
	}
	root := t.TempDir()
	env, err := profileEnv(root, "apply-keys", []string{"A=1"})
	want := filepath.Join(root, "apply-keys")
	if err != nil || !slices.Equal(env, []string{"A=1", cpuProfileDirEnv + "=" + want}) {
		t.Errorf("profiled: %q (%v), want the folder %s added", env, err, want)
	}
	if info, err := os.Stat(want); err != nil || !info.IsDir() {
		t.Errorf("the folder %s was not made: %v", want, err)
	}
}

// TestBenchVariables_readWhereTheyAreUsed: the programs the bench starts read the variables it sets
// (the null provider is a separate main package, so the names are written in both places).
func TestBenchVariables_readWhereTheyAreUsed(t *testing.T) {
	for file, fragments := range map[string][]string{
		filepath.Join("nullprovider", "main.go"): {`"` + nullLatencyEnv + `"`, `"` + nullFrameworkEnv + `"`},
	} {
		source, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, fragment := range fragments {
			if !strings.Contains(string(source), fragment) {
				t.Errorf("%s lacks %s", file, fragment)
			}
		}
	}
}

func TestParseOptions_rejects(t *testing.T) {
	for _, args := range [][]string{
		{"-n", "0"}, {"-n", "100000"}, {"-parallelism", "0"}, {"-latency", "-1ms"}, {"extra"}, {"-unknown"},
	} {
		if _, err := parseOptions(args, io.Discard); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}

func TestHeaderLine(t *testing.T) {
	got := headerLine("Terraform v1.15.0")
	if !strings.HasPrefix(got, "bench: Terraform v1.15.0, go") || !strings.HasSuffix(got, ", API over HTTPS (HTTP/2)") {
		t.Errorf("headerLine = %q, want the versions first and the API's protocol last", got)
	}
}

func TestStartMock(t *testing.T) {
	ws := workspace{root: t.TempDir()}
	mock, err := startMock(ws, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer mock.Close()
	if !strings.HasPrefix(mock.URL(), "https://") {
		t.Errorf("URL %q, want HTTPS", mock.URL())
	}
	written, err := os.ReadFile(ws.path(certFile))
	if err != nil || len(written) == 0 || !bytes.Equal(written, mock.CertificatePEM()) {
		t.Errorf("certificate file %q (%v), want the mock's certificate", written, err)
	}
}
