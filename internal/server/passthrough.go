package server

import (
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// The wrappers of NewProtocol6Server embed tfprotov6.ProviderServer, which (terraform-plugin-go v0.31)
// holds neither the action calls nor the list-resource calls, and tf6server serves those only for a
// server that has them (type assertions to tfprotov6.ProviderServerWithActions and
// ProviderServerWithListResource). So the server handed to tf6server carries the framework's own
// for each kind of call the provider has; none of them needs a workaround.

type (
	actionServingServer struct {
		tfprotov6.ProviderServer
		tfprotov6.ActionServer
	}
	listServingServer struct {
		tfprotov6.ProviderServer
		tfprotov6.ListResourceServer
	}
	actionAndListServingServer struct {
		tfprotov6.ProviderServer
		tfprotov6.ActionServer
		tfprotov6.ListResourceServer
	}
)

// withFrameworkOnlyCalls is server with the action and list-resource calls of framework, for those
// of them that p has.
func withFrameworkOnlyCalls(server, framework tfprotov6.ProviderServer, p provider.Provider) tfprotov6.ProviderServer {
	var actions tfprotov6.ActionServer
	if _, has := p.(provider.ProviderWithActions); has {
		actions, _ = framework.(tfprotov6.ActionServer)
	}
	var lists tfprotov6.ListResourceServer
	if _, has := p.(provider.ProviderWithListResources); has {
		lists, _ = framework.(tfprotov6.ListResourceServer)
	}
	switch {
	case actions != nil && lists != nil:
		return actionAndListServingServer{ProviderServer: server, ActionServer: actions, ListResourceServer: lists}
	case actions != nil:
		return actionServingServer{ProviderServer: server, ActionServer: actions}
	case lists != nil:
		return listServingServer{ProviderServer: server, ListResourceServer: lists}
	}
	return server
}
