// Command nullprovider is the benchmark's reference provider, nullkms: its resource nullkms_key
// has the schema of ncloudkms_key, but instead of calling an API it only waits, for each key, as
// many latencies as the benchmark's ideal counts (create 2, read 1, update 1 per changed
// attribute, destroy 2, and one list page for the first create plan of a process). Terraform's
// time with it is the least any provider with this schema can take behind its plugin protocol.
package main

import (
	"log"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// latencyEnv is the per-call latency to wait, as a Go duration; the bench sets it.
const latencyEnv = "NULLKMS_LATENCY"

func main() {
	latency, err := time.ParseDuration(os.Getenv(latencyEnv))
	if err != nil {
		log.Fatalf("%s: %v", latencyEnv, err)
	}
	server, err := newNullServer(latency)
	if err != nil {
		log.Fatal(err)
	}
	if err := tf6server.Serve("registry.terraform.io/ncloudkms/nullkms", func() tfprotov6.ProviderServer { return server }); err != nil {
		log.Print(err)
	}
}
