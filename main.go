package main

import (
	"flag"
	"log"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/provider"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/server"
)

// Docs: format the examples, then render docs/ from templates/ and examples/.
//go:generate terraform fmt -recursive ./examples/
//go:generate go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs@v0.25.0 generate --provider-name ncloudkms

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	if err := server.Serve(provider.New(version), debug); err != nil {
		log.Fatal(err.Error())
	}
}
