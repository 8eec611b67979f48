package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/server"
)

var _ server.ProtocolWrapper = (*ncloudKMSProvider)(nil)

// stateObservingServer shows stateKeys every ncloudkms_key, and stateGenerators every
// ncloudkms_key_token_generator, of the state Terraform loads.
//
// Why it exists: Terraform plans the replacement of a tainted object as a bare create, with no
// prior state and no private data (terraform node_resource_abstract_instance.go, plan(): a tainted
// current object becomes priorVal = null), and with -refresh=false the only call that ever shows
// the provider that object is UpgradeResourceState. terraform-plugin-framework answers that call
// itself while the schema version is unchanged (fwserver/server_upgraderesourcestate.go,
// UpgradeResourceState: "req.Version == resourceSchema.GetVersion()"), without calling the
// resource. The token generator is recognised the same way (key_token_generator_resource_plan.go).
// Remove this file when the protocol tells a provider that a create replaces a tainted object.
type stateObservingServer struct {
	tfprotov6.ProviderServer
	keys       *stateKeys
	generators *stateGenerators
}

// WrapProtocolServer puts the state observer in front of the framework's protocol server
// (server.ProtocolWrapper: the server package calls it when it serves the provider).
func (p *ncloudKMSProvider) WrapProtocolServer(server tfprotov6.ProviderServer) tfprotov6.ProviderServer {
	return stateObservingServer{ProviderServer: server, keys: p.stateKeys, generators: p.stateGenerators}
}

func (s stateObservingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	if req.RawState != nil {
		switch req.TypeName {
		case keyResourceTypeName:
			s.keys.ObserveRawState(req.RawState.JSON)
		case keyTokenGeneratorTypeName:
			s.generators.ObserveRawState(req.RawState.JSON)
		}
	}
	return s.ProviderServer.UpgradeResourceState(ctx, req)
}
