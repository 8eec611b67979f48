package provider

import (
	"os"
	"testing"
)

func TestQuietLoggingUnlessRequested(t *testing.T) {
	cases := []struct {
		name     string
		env      map[string]string
		wantSDK  string // TF_LOG_SDK_PROTO afterwards; "" means unset
		wantMine string // TF_LOG_PROVIDER_NCLOUDKMS afterwards
		quiet    bool
	}{
		{"no logging asked for", nil, "OFF", "OFF", true},
		{"TF_LOG set", map[string]string{"TF_LOG": "trace"}, "", "", false},
		{"TF_LOG_PROVIDER set", map[string]string{"TF_LOG_PROVIDER": "debug"}, "", "", false},
		{"explicit level kept", map[string]string{"TF_LOG_PROVIDER_NCLOUDKMS": "DEBUG"}, "OFF", "DEBUG", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, name := range append([]string{"TF_LOG", "TF_LOG_PROVIDER"}, pluginLogLevelVariables...) {
				t.Setenv(name, "")
				os.Unsetenv(name)
			}
			for name, value := range tc.env {
				t.Setenv(name, value)
			}
			if quiet := QuietLoggingUnlessRequested(); quiet != tc.quiet {
				t.Errorf("QuietLoggingUnlessRequested() = %v, want %v", quiet, tc.quiet)
			}
			if got := os.Getenv("TF_LOG_SDK_PROTO"); got != tc.wantSDK {
				t.Errorf("TF_LOG_SDK_PROTO = %q, want %q", got, tc.wantSDK)
			}
			if got := os.Getenv("TF_LOG_PROVIDER_NCLOUDKMS"); got != tc.wantMine {
				t.Errorf("TF_LOG_PROVIDER_NCLOUDKMS = %q, want %q", got, tc.wantMine)
			}
		})
	}
}
