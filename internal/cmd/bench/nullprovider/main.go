// Command nullprovider is the benchmark's reference provider, nullkms: its resource nullkms_key
// has the schema of ncloudkms_key, but instead of calling an API it only waits, for each key, as
// many latencies as the API calls a key needs at the least (create 2, read 1, update 1 per changed
// attribute, destroy 2 after 1 in its plan for the last use, and one list page for the first create
// plan of a process). Terraform's
// time with it is the least any provider with this schema can take behind its plugin protocol.
package main

import (
	"context"
	"log"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
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
	quietLogsUnlessRequested()
	server, err := newNullServer(latency)
	if err != nil {
		log.Fatal(err)
	}
	if err := tf6server.Serve("registry.terraform.io/ncloudkms/nullkms", func() tfprotov6.ProviderServer { return server }); err != nil {
		log.Print(err)
	}
}

// quietLogsUnlessRequested turns the plugin SDK's loggers off when Terraform discards provider
// logs anyway (neither TF_LOG nor TF_LOG_PROVIDER is set): the least a provider can do is not
// write them. A level set explicitly wins.
func quietLogsUnlessRequested() {
	if os.Getenv("TF_LOG") != "" || os.Getenv("TF_LOG_PROVIDER") != "" {
		return
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"} {
		if _, set := os.LookupEnv(name); !set {
			_ = os.Setenv(name, "OFF")
		}
	}
}

// emptyProvider has no settings, resources or data sources. Served by the framework, it answers
// every protocol call the null server does not take over.
type emptyProvider struct{}

func (emptyProvider) Metadata(_ context.Context, _ fwprovider.MetadataRequest, resp *fwprovider.MetadataResponse) {
	resp.TypeName = "nullkms"
}

func (emptyProvider) Schema(context.Context, fwprovider.SchemaRequest, *fwprovider.SchemaResponse) {}

func (emptyProvider) Configure(context.Context, fwprovider.ConfigureRequest, *fwprovider.ConfigureResponse) {
}

func (emptyProvider) Resources(context.Context) []func() resource.Resource { return nil }

func (emptyProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }
