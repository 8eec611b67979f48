// Package server runs a terraform-plugin-framework provider as a Terraform plugin, with the process
// workarounds of DESIGN.md §11: what main does, and what the benchmark's null providers do too, so that
// its references take the least a provider served this way can take.
package server

import (
	"os"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// registryAddress is the provider's source address, as Terraform knows it.
const registryAddress = "registry.terraform.io/ncloudkms/ncloudkms"

// ProtocolWrapper is what a provider implements to see protocol calls that the framework answers
// without calling it (the ncloudkms provider's state observer). The server wraps the framework's
// protocol server with it.
type ProtocolWrapper interface {
	WrapProtocolServer(tfprotov6.ProviderServer) tfprotov6.ProviderServer
}

// Serve runs the provider that newProvider makes as a Terraform plugin until Terraform stops it;
// debug serves it for a debugger (TF_REATTACH_PROVIDERS) instead.
func Serve(newProvider func() provider.Provider, debug bool) error {
	defer stopProfile()
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	stripLoggers := ApplyProcessWorkarounds(debug)
	return tf6server.Serve(registryAddress, func() tfprotov6.ProviderServer {
		return NewProtocol6Server(newProvider(), stripLoggers)
	}, opts...)
}

// ApplyProcessWorkarounds sets up the workarounds that act on the whole process before it serves
// (quiet_sdk_logs.go, gc_tuning.go), and reports whether its server should run the per-resource
// calls without the plugin loggers (context_retention.go).
func ApplyProcessWorkarounds(debug bool) (stripLoggers bool) {
	quietSDKLogs, stripLoggers := logWorkarounds(debug)
	if quietSDKLogs {
		quietSDKLoggers()
	}
	if workaroundEnabled(WorkaroundGCTuning) {
		tuneGarbageCollector()
	}
	return stripLoggers
}

// logWorkarounds says which of the two workarounds that apply only to logs nobody reads
// (quiet_sdk_logs.go, context_retention.go) this process uses. Terraform keeps a plugin's log
// lines only when TF_LOG or TF_LOG_PROVIDER is set, and under -debug the developer reads them on
// the provider's own output, so neither applies there.
func logWorkarounds(debug bool) (quietSDKLogs, stripLoggers bool) {
	discarded := !debug && os.Getenv("TF_LOG") == "" && os.Getenv("TF_LOG_PROVIDER") == ""
	return discarded && workaroundEnabled(WorkaroundQuietSDKLogs), discarded && workaroundEnabled(WorkaroundContextRetention)
}

// NewProtocol6Server is the framework's protocol server for p, wrapped by p when it is a
// ProtocolWrapper. stripLoggers says that nobody reads the provider's logs; the per-resource calls
// then run on contexts without the plugin loggers (context_retention.go). The calls that no wrapper
// carries (actions, list resources) reach the framework's server directly (passthrough.go).
func NewProtocol6Server(p provider.Provider, stripLoggers bool) tfprotov6.ProviderServer {
	framework := providerserver.NewProtocol6(p)()
	server := framework
	if wrapper, ok := p.(ProtocolWrapper); ok {
		server = wrapper.WrapProtocolServer(server)
	}
	if stripLoggers {
		server = loggerFreeServer{ProviderServer: server}
	}
	return withFrameworkOnlyCalls(server, framework, p)
}
