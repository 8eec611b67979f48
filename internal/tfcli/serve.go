package tfcli

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// serveProvider serves one new provider instance in this process and returns where Terraform
// finds it under each of the given source addresses, and a function that stops it.
func serveProvider(t *testing.T, newProvider func() (tfprotov6.ProviderServer, error), sources []string) (tfexec.ReattachInfo, func()) {
	t.Helper()
	server, err := newProvider()
	if err != nil {
		t.Fatalf("building the provider: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	configs := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	serveErr := make(chan error, 1)
	go func() {
		serveErr <- tf6server.Serve(sources[0], func() tfprotov6.ProviderServer { return server },
			tf6server.WithDebug(ctx, configs, closed),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
			tf6server.WithLoggingSink(t),
		)
	}()

	var config *plugin.ReattachConfig
	select {
	case config = <-configs:
	case err := <-serveErr:
		cancel()
		t.Fatalf("serving the provider: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("serving the provider: no reattach configuration after 30s")
	}

	reattach := tfexec.ReattachInfo{}
	for _, source := range sources {
		reattach[source] = tfexec.ReattachConfig{
			Protocol:        string(config.Protocol),
			ProtocolVersion: config.ProtocolVersion,
			Pid:             config.Pid,
			Test:            config.Test,
			Addr:            tfexec.ReattachConfigAddr{Network: config.Addr.Network(), String: config.Addr.String()},
		}
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			<-closed
		})
	}
	return reattach, stop
}
