// Command nullprovider is the benchmark's reference provider, nullkms: its resource nullkms_key
// has the schema of ncloudkms_key, but instead of calling an API it only waits, for each key, as
// many latencies as the API calls a key needs at the least (create 2, read 1, update 1 per changed
// attribute, destroy 2 after 1 in its plan for the last use, and one list page for the first create
// plan of a process); its list resource waits a key list page per 200 keys listed, and a read per
// key with include_resource (list.go). Served on the plugin protocol directly (server.go), Terraform's time with it
// is the least any provider with this schema can take; served by terraform-plugin-framework
// (framework.go, NULLKMS_FRAMEWORK=1), the least any provider on the framework can take.
package main

import (
	"log"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/server"
)

// latencyEnv is the per-call latency to wait, as a Go duration; the bench sets it.
const latencyEnv = "NULLKMS_LATENCY"

// frameworkEnv, set to 1, serves nullkms_key through the framework (framework.go) instead of the raw server.
const frameworkEnv = "NULLKMS_FRAMEWORK"

func main() {
	latency, err := time.ParseDuration(os.Getenv(latencyEnv))
	if err != nil {
		log.Fatalf("%s: %v", latencyEnv, err)
	}
	// The provider's own process workarounds (quiet SDK loggers, GC settings), so that this is the
	// least a provider can take with them.
	stripLoggers := server.ApplyProcessWorkarounds(false)
	null, err := newNullServer(latency)
	if err != nil {
		log.Fatal(err)
	}
	serve := func() tfprotov6.ProviderServer { return null }
	if os.Getenv(frameworkEnv) == "1" {
		serve = func() tfprotov6.ProviderServer {
			return server.NewProtocol6Server(nullProvider{frameworkKeys: null}, stripLoggers)
		}
	}
	// Built with the benchprofile tag (make bench -cpuprofile), this process writes a CPU profile as
	// the provider does: the baseline to diff the provider's against.
	defer server.StopCPUProfile()
	if err := tf6server.Serve("registry.terraform.io/ncloudkms/nullkms", serve); err != nil {
		log.Print(err)
	}
}
