//go:build linux

package main

import (
	"os"
	"testing"
	"time"
)

func TestParseVmHWM(t *testing.T) {
	status := "Name:\tterraform-provi\nVmPeak:\t 1300000 kB\nVmHWM:\t   23456 kB\nVmRSS:\t   20000 kB\n"
	got, ok := parseVmHWM(status)
	if !ok || got != 23456*1024 {
		t.Errorf("got %d, %v; want %d", got, ok, 23456*1024)
	}
	for _, bad := range []string{"Name:\tx\n", "VmHWM:\t12 MB\n", "VmHWM:\tlots kB\n"} {
		if _, ok := parseVmHWM(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}

// TestProcessSampler_ownProcess samples this test binary as if it were the provider.
func TestProcessSampler_ownProcess(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	sampler := startProcessSampler(exe)
	time.Sleep(3 * sampleInterval)
	if got := sampler.Stop(); got.processes < 1 || got.peakMemory < 1<<20 {
		t.Errorf("sample = %+v: the test process was not measured", got)
	}
}

func TestProcessSampler_noMatch(t *testing.T) {
	if got := startProcessSampler("/nonexistent/terraform-provider-x").Stop(); got != (processSample{}) {
		t.Errorf("sample = %+v, want zero", got)
	}
}
