package main

import (
	"flag"
	"log"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/provider"
)

// Docs: format the examples, then render docs/ from templates/ and examples/.
//go:generate terraform fmt -recursive ./examples/
//go:generate go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs@v0.25.0 generate --provider-name ncloudkms

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// stopProfile ends the CPU profile that a build with the benchprofile tag starts (profile.go,
// for `make bench -cpuprofile`); released builds have nothing to stop.
var stopProfile = func() {}

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	err := provider.Serve(version, debug)
	stopProfile()
	if err != nil {
		log.Fatal(err.Error())
	}
}
