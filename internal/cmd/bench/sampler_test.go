package main

import (
	"net"
	"os"
	"testing"
	"time"
)

// TestProcessSampler_ownProcess samples this test binary as if it were the provider, while it
// holds one connection to a local listener.
func TestProcessSampler_ownProcess(t *testing.T) {
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		t.Skip("no /proc:", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		if conn, err := ln.Accept(); err == nil {
			defer conn.Close()
			time.Sleep(time.Second)
		}
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	sampler := startProcessSampler(exe, ln.Addr().(*net.TCPAddr).Port)
	time.Sleep(3 * sampleInterval)
	got := sampler.Stop()
	if got.processes < 1 || got.peakMemory < 1<<20 {
		t.Errorf("sample = %+v: the test process was not measured", got)
	}
	if got.maxConnsPerProcess != 1 {
		t.Errorf("maxConnsPerProcess = %d, want 1", got.maxConnsPerProcess)
	}
}

func TestProcessSampler_noMatch(t *testing.T) {
	got := startProcessSampler("/nonexistent/terraform-provider-x", 1).Stop()
	if got != (processSample{}) {
		t.Errorf("sample = %+v, want zero", got)
	}
}
