package provider

import (
	"os"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// registryAddress is the provider's source address, as Terraform knows it.
const registryAddress = "registry.terraform.io/ncloudkms/ncloudkms"

// Serve runs the provider as a Terraform plugin until Terraform stops it; debug serves it for a
// debugger (TF_REATTACH_PROVIDERS) instead.
func Serve(version string, debug bool) error {
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	stripLoggers := ApplyProcessWorkarounds(debug)
	return tf6server.Serve(registryAddress, func() tfprotov6.ProviderServer {
		return NewProtocol6Server(New(version)(), stripLoggers)
	}, opts...)
}

// ApplyProcessWorkarounds sets up the workarounds that act on the whole process before it serves
// (quiet_sdk_logs.go, gc_tuning.go), and reports whether its server should run the per-resource
// calls without the plugin loggers (context_retention.go). The benchmark's null providers serve
// with the same, so that its references are the least a provider can take with them.
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

// NewProtocol6Server is the framework's protocol server for p, with the observer of the state's
// keys and token generators (state_observer.go). stripLoggers says that nobody reads the provider's
// logs; the per-resource calls then run on contexts without the plugin loggers (context_retention.go).
func NewProtocol6Server(p provider.Provider, stripLoggers bool) tfprotov6.ProviderServer {
	framework := providerserver.NewProtocol6(p)()
	server := framework
	if kp, ok := p.(*ncloudKMSProvider); ok {
		server = stateObservingServer{ProviderServer: server, keys: kp.stateKeys, generators: kp.stateGenerators}
	}
	if stripLoggers {
		server = loggerFreeServer{ProviderServer: server}
	}
	if lister, ok := framework.(tfprotov6.ListResourceServer); ok {
		return listingServer{ProviderServer: server, ListResourceServer: lister}
	}
	return server
}

// listingServer passes the list resource calls to the framework's server past the wrappers above:
// terraform-plugin-go v0.31 keeps them out of tfprotov6.ProviderServer, which the wrappers embed, and
// tf6server serves them only for a server that has them (tfprotov6.ProviderServerWithListResource).
type listingServer struct {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
}
