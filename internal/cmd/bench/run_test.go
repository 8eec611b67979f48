package main

import (
	"strings"
	"testing"
)

func TestHeaderLine(t *testing.T) {
	for tls, want := range map[bool]string{true: ", API over HTTPS (HTTP/2)", false: ", API over HTTP/1.1"} {
		got := headerLine("Terraform v1.15.0", tls)
		if !strings.HasPrefix(got, "bench: Terraform v1.15.0, go") || !strings.HasSuffix(got, want) {
			t.Errorf("headerLine(tls=%v) = %q, want it to start with the versions and end with %q", tls, got, want)
		}
	}
}
