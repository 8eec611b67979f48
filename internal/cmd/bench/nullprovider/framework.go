package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/provider"
)

// nullProvider is the framework provider nullkms. Without frameworkKeys it has no resource
// and answers every call the raw null server does not take over; with frameworkKeys it serves
// nullkms_key itself, as frameworkKey: the framework null.
type nullProvider struct {
	frameworkKeys *nullServer // nil: no resource
}

func (nullProvider) Metadata(_ context.Context, _ fwprovider.MetadataRequest, resp *fwprovider.MetadataResponse) {
	resp.TypeName = "nullkms"
}

func (nullProvider) Schema(context.Context, fwprovider.SchemaRequest, *fwprovider.SchemaResponse) {}

func (nullProvider) Configure(context.Context, fwprovider.ConfigureRequest, *fwprovider.ConfigureResponse) {
}

func (p nullProvider) Resources(context.Context) []func() resource.Resource {
	if p.frameworkKeys == nil {
		return nil
	}
	return []func() resource.Resource{func() resource.Resource { return frameworkKey{p.frameworkKeys} }}
}

func (nullProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

func (p nullProvider) ListResources(context.Context) []func() list.ListResource {
	if p.frameworkKeys == nil {
		return nil
	}
	return []func() list.ListResource{func() list.ListResource { return frameworkKeyList{frameworkKey{p.frameworkKeys}} }}
}

// frameworkKey is nullkms_key served by terraform-plugin-framework: ncloudkms_key's schema with its
// validators and plan modifiers, and methods that wait what the raw server waits and handle the raw
// values as it does. Terraform's time with it is the least any provider on the framework can take
// with this schema: the bench's framework null, which shows the framework's share of the keys' time.
type frameworkKey struct {
	s *nullServer
}

func (frameworkKey) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = nullKeyType
}

func (frameworkKey) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keySchema, err := ncloudKMSKeySchema(ctx)
	if err != nil {
		resp.Diagnostics.AddError("No ncloudkms_key schema", err.Error())
		return
	}
	resp.Schema = keySchema
}

// IdentitySchema is ncloudkms_key's: the key tag.
func (frameworkKey) IdentitySchema(ctx context.Context, req resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	key, err := ncloudKMSKey(ctx)
	if err != nil {
		resp.Diagnostics.AddError("No ncloudkms_key resource", err.Error())
		return
	}
	withIdentity, ok := key.(resource.ResourceWithIdentity)
	if !ok {
		resp.Diagnostics.AddError("No ncloudkms_key identity", "the provider's ncloudkms_key has no identity schema")
		return
	}
	withIdentity.IdentitySchema(ctx, req, resp)
}

func (r frameworkKey) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, _ *resource.ModifyPlanResponse) {
	r.s.waitForPlan(ctx, req.Plan.Raw, req.State.Raw)
}

func (r frameworkKey) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.apply(ctx, req.Plan.Raw, tftypes.NewValue(r.s.objectType, nil), &resp.State.Raw, &resp.Diagnostics)
	setIdentity(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

func (r frameworkKey) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	r.s.wait(ctx, 1) // the framework keeps the state as it is
	setIdentity(ctx, req.State, resp.Identity, &resp.Diagnostics)
}

func (r frameworkKey) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.apply(ctx, req.Plan.Raw, req.State.Raw, &resp.State.Raw, &resp.Diagnostics)
	setIdentity(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

// setIdentity records the key tag of state as the identity, as the provider's resources do: the
// framework requires one from every Create, Read and Update of a resource with an identity schema.
func setIdentity(ctx context.Context, state tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil || state.Raw.IsNull() {
		return
	}
	var tag types.String
	diags.Append(state.GetAttribute(ctx, path.Root("key_tag"), &tag)...)
	diags.Append(identity.SetAttribute(ctx, path.Root("key_tag"), tag)...)
}

func (r frameworkKey) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	r.apply(ctx, tftypes.NewValue(r.s.objectType, nil), req.State.Raw, &resp.State.Raw, &resp.Diagnostics)
}

// apply is the raw server's apply, on the framework's raw values.
func (r frameworkKey) apply(ctx context.Context, planned, prior tftypes.Value, state *tftypes.Value, diags *diag.Diagnostics) {
	applied, err := r.s.apply(ctx, planned, prior)
	if err != nil {
		diags.AddError("Null apply failed", err.Error())
		return
	}
	*state = applied
}

// ncloudKMSKeySchema is the framework schema of the provider's ncloudkms_key.
func ncloudKMSKeySchema(ctx context.Context) (schema.Schema, error) {
	key, err := ncloudKMSKey(ctx)
	if err != nil {
		return schema.Schema{}, err
	}
	var resp resource.SchemaResponse
	key.Schema(ctx, resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		return schema.Schema{}, fmt.Errorf("ncloudkms_key's schema: %v", resp.Diagnostics)
	}
	return resp.Schema, nil
}

// ncloudKMSKey is the provider's ncloudkms_key resource.
func ncloudKMSKey(ctx context.Context) (resource.Resource, error) {
	return ncloudKMSKeyType(ctx, provider.New("bench")().Resources)
}

// ncloudKMSKeyType is what constructors (the provider's Resources or ListResources) make for ncloudkms_key.
func ncloudKMSKeyType[T interface {
	Metadata(context.Context, resource.MetadataRequest, *resource.MetadataResponse)
}](ctx context.Context, constructors func(context.Context) []func() T) (T, error) {
	for _, newT := range constructors(ctx) {
		t := newT()
		var metadata resource.MetadataResponse
		t.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "ncloudkms"}, &metadata)
		if metadata.TypeName == "ncloudkms_key" {
			return t, nil
		}
	}
	var none T
	return none, errors.New("the provider has no ncloudkms_key")
}
