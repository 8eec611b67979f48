package server

import (
	"context"
	"math"
	"os"
	"runtime/debug"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// TestServe_logWorkarounds: both apply only where nobody reads the logs, and each has its switch.
func TestServe_logWorkarounds(t *testing.T) {
	for _, tc := range []struct {
		name                       string
		debug                      bool
		env                        map[string]string
		wantQuietSDK, wantStripped bool
	}{
		{name: "logs discarded", wantQuietSDK: true, wantStripped: true},
		{name: "-debug", debug: true},
		{name: "TF_LOG", env: map[string]string{"TF_LOG": "trace"}},
		{name: "TF_LOG_PROVIDER", env: map[string]string{"TF_LOG_PROVIDER": "debug"}},
		{name: "quiet_sdk_logs switched off", env: map[string]string{DisableWorkaroundsEnv: WorkaroundQuietSDKLogs}, wantStripped: true},
		{name: "context_retention switched off", env: map[string]string{DisableWorkaroundsEnv: WorkaroundContextRetention}, wantQuietSDK: true},
		{name: "both switched off", env: map[string]string{DisableWorkaroundsEnv: WorkaroundContextRetention + "," + WorkaroundQuietSDKLogs}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, name := range []string{"TF_LOG", "TF_LOG_PROVIDER", DisableWorkaroundsEnv} {
				t.Setenv(name, tc.env[name])
			}
			quiet, stripped := logWorkarounds(tc.debug)
			if quiet != tc.wantQuietSDK || stripped != tc.wantStripped {
				t.Errorf("quiet SDK logs %v, stripped loggers %v; want %v, %v", quiet, stripped, tc.wantQuietSDK, tc.wantStripped)
			}
		})
	}
}

// TestServe_quietSDKLoggers: unset levels become OFF; a level set explicitly, even empty, stays.
func TestServe_quietSDKLoggers(t *testing.T) {
	t.Setenv("TF_LOG_SDK_PROTO", "debug")
	t.Setenv("TF_LOG_SDK_FRAMEWORK", "")
	unsetEnvForTest(t, "TF_LOG_SDK", "TF_LOG_PROVIDER_NCLOUDKMS")
	quietSDKLoggers()
	for name, want := range map[string]string{
		"TF_LOG_SDK": "OFF", "TF_LOG_PROVIDER_NCLOUDKMS": "OFF", "TF_LOG_SDK_PROTO": "debug", "TF_LOG_SDK_FRAMEWORK": "",
	} {
		if got := os.Getenv(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

// TestServe_tuneGarbageCollector: the provider's settings where the environment has none, the
// environment's where it has them.
func TestServe_tuneGarbageCollector(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	unsetEnvForTest(t, "GOGC", "GOMEMLIMIT")
	tuneGarbageCollector()
	if percent, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64); percent != providerGCPercent || limit != providerMemoryLimit {
		t.Errorf("unset: GC percent %d, memory limit %d; want %d, %d", percent, limit, providerGCPercent, providerMemoryLimit)
	}

	t.Setenv("GOGC", "100")
	t.Setenv("GOMEMLIMIT", "off")
	tuneGarbageCollector()
	if percent, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64); percent != 100 || limit != math.MaxInt64 {
		t.Errorf("set: GC percent %d, memory limit %d; want the environment's 100 and no limit", percent, limit)
	}
}

// unsetEnvForTest unsets the variables for the test and restores them after it (t.Setenv records them).
func unsetEnvForTest(t *testing.T, names ...string) {
	t.Helper()
	for _, name := range names {
		t.Setenv(name, "")
		_ = os.Unsetenv(name)
	}
}

// TestServe_wrapsWithTheProvidersWrapper: a provider that is a ProtocolWrapper sees the framework's
// server first; the logger-free server then wraps that.
func TestServe_wrapsWithTheProvidersWrapper(t *testing.T) {
	p := &wrappingProvider{}
	got := NewProtocol6Server(p, true)
	stripped, ok := got.(loggerFreeServer)
	if !ok {
		t.Fatalf("server %T, want the logger-free server", got)
	}
	if _, ok := stripped.ProviderServer.(wrapped); !ok || p.calls != 1 {
		t.Fatalf("inner server %T after %d wrap calls, want the provider's wrapper once", stripped.ProviderServer, p.calls)
	}
}

// emptyProvider is a framework provider with nothing in it.
type emptyProvider struct{}

func (emptyProvider) Metadata(context.Context, provider.MetadataRequest, *provider.MetadataResponse) {
}
func (emptyProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}
func (emptyProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}
func (emptyProvider) Resources(context.Context) []func() resource.Resource       { return nil }
func (emptyProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// wrappingProvider counts its WrapProtocolServer calls.
type wrappingProvider struct {
	emptyProvider
	calls int
}

type wrapped struct{ tfprotov6.ProviderServer }

func (p *wrappingProvider) WrapProtocolServer(s tfprotov6.ProviderServer) tfprotov6.ProviderServer {
	p.calls++
	return wrapped{s}
}

// belowPassthrough is the server that withFrameworkOnlyCalls wrapped, so that tests can look at the wrappers.
func belowPassthrough(server tfprotov6.ProviderServer) tfprotov6.ProviderServer {
	switch s := server.(type) {
	case actionServingServer:
		return s.ProviderServer
	case listServingServer:
		return s.ProviderServer
	case actionAndListServingServer:
		return s.ProviderServer
	}
	return server
}
