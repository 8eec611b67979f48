package main

import (
	"bufio"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets TestSignalStopsTheProcess run main itself in a child copy of the test binary.
func TestMain(m *testing.M) {
	if os.Getenv("KMSMOCK_RUN_MAIN") == "1" {
		os.Args = append([]string{"kmsmock"}, strings.Fields(os.Getenv("KMSMOCK_ARGS"))...)
		main()
		return
	}
	os.Exit(m.Run())
}

func TestSignalStopsTheProcess(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "KMSMOCK_RUN_MAIN=1", "KMSMOCK_ARGS=-latency 1ms")
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var lines []string
			scanner := bufio.NewScanner(stdout)
			for len(lines) < 3 && scanner.Scan() {
				lines = append(lines, scanner.Text())
			}
			patterns := []string{
				`^NCLOUD_KMS_ENDPOINT=http://127\.0\.0\.1:\d+/kms/v1$`,
				`^NCLOUD_ACCESS_KEY=\S+$`,
				`^NCLOUD_SECRET_KEY=\S+$`,
			}
			for i, p := range patterns {
				if i >= len(lines) || !regexp.MustCompile(p).MatchString(lines[i]) {
					t.Fatalf("stdout lines %q, want line %d to match %s", lines, i+1, p)
				}
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			var rest strings.Builder
			for scanner.Scan() {
				rest.WriteString(scanner.Text())
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("exit after %v: %v", sig, err)
				}
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatalf("no exit after %v", sig)
			}
			if rest.Len() != 0 {
				t.Fatalf("stdout carried more than the three lines: %q", rest.String())
			}
		})
	}
}
