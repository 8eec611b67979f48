package main

import (
	"errors"
	"flag"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

func TestParseFlagsDefaults(t *testing.T) {
	cfg, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := config{addr: "127.0.0.1:0", opts: kmsmock.Options{AccessKey: kmsmock.DefaultAccessKey, SecretKey: kmsmock.DefaultSecretKey}}
	if cfg != want {
		t.Fatalf("defaults = %+v, want %+v", cfg, want)
	}
}

func TestParseFlagsAll(t *testing.T) {
	cfg, err := parseFlags([]string{
		"-addr", "localhost:8123", "-access-key", "AK", "-secret-key", "SK", "-latency", "25ms",
		"-rate-limit", "50", "-fail-rate", "0.3", "-seed", "42", "-tls", "-cert-file", "mock.pem",
	}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	o := cfg.opts
	if cfg.addr != "localhost:8123" || !cfg.tls || cfg.certFile != "mock.pem" || o.AccessKey != "AK" || o.SecretKey != "SK" || o.Latency != 25*time.Millisecond ||
		o.RateLimit != 50 || o.Faults.Seed != 42 || o.Faults.Drop != 0 {
		t.Fatalf("parsed %+v", cfg)
	}
	if math.Abs(o.Faults.Throttle-0.2) > 1e-9 || math.Abs(o.Faults.ServerError-0.1) > 1e-9 {
		t.Fatalf("fail-rate 0.3 split into throttle %v and server errors %v, want 0.2 and 0.1", o.Faults.Throttle, o.Faults.ServerError)
	}
}

func TestParseFlagsRefusals(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-addr", "0.0.0.0:8080"}, "not a loopback address"},
		{[]string{"-addr", ":8080"}, "not a loopback address"},
		{[]string{"-addr", "192.168.1.10:8080"}, "not a loopback address"},
		{[]string{"-addr", "example.com:80"}, "not a loopback address"},
		{[]string{"-addr", "127.0.0.1"}, "missing port"},
		{[]string{"-fail-rate", "1.5"}, "not between 0 and 1"},
		{[]string{"-fail-rate", "-0.1"}, "not between 0 and 1"},
		{[]string{"-fail-rate", "NaN"}, "not between 0 and 1"},
		{[]string{"-rate-limit", "-1"}, "negative"},
		{[]string{"-latency", "-5ms"}, "negative"},
		{[]string{"-latency", "5"}, "invalid value"},
		{[]string{"-access-key", ""}, "must not be empty"},
		{[]string{"-unknown"}, "not defined"},
		{[]string{"extra"}, "unexpected arguments"},
		{[]string{"-cert-file", "mock.pem"}, "needs -tls"},
	}
	for _, tt := range tests {
		var stderr strings.Builder
		_, err := parseFlags(tt.args, &stderr)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parseFlags(%q) = %v, want an error containing %q", tt.args, err, tt.want)
		}
	}
}

func TestParseFlagsHelp(t *testing.T) {
	var stderr strings.Builder
	if _, err := parseFlags([]string{"-h"}, &stderr); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
	for _, part := range []string{"Usage", "-fail-rate", "-rate-limit", "loopback", "-tls", "SSL_CERT_FILE",
		"/_mock/journal", "/_mock/clock?advance=", "/_mock/use?tag=", "ago=1h"} {
		if !strings.Contains(stderr.String(), part) {
			t.Errorf("usage lacks %q:\n%s", part, stderr.String())
		}
	}
}

func TestCheckLoopback(t *testing.T) {
	for _, ok := range []string{"127.0.0.1:0", "[::1]:9", "localhost:1", "127.1.2.3:80"} {
		if err := checkLoopback(ok); err != nil {
			t.Errorf("checkLoopback(%q) = %v", ok, err)
		}
	}
}
