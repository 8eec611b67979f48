package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// What ncloudkms_key and the resources of one key (ncloudkms_key_acl, ncloudkms_key_token_generator)
// share: the provider data, the resource identity (the key tag; Terraform 1.12+, OpenTofu 1.12+) and
// import by key tag.

// keyScopedIDAttribute is the id of a resource of one key: the key tag, kept across plans once known.
// more, when not empty, is said after "The key tag (same as `key_tag`)".
func keyScopedIDAttribute(more string) schema.StringAttribute {
	description := "The key tag (same as `key_tag`)."
	if more != "" {
		description = "The key tag (same as `key_tag`), " + more
	}
	return schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: description,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

// keyTagArgument is the key_tag of ncloudkms_key_acl and ncloudkms_key_token_generator: it names their
// key, checked at plan time, and another key means another resource.
func keyTagArgument(description string) schema.StringAttribute {
	return schema.StringAttribute{
		Required:            true,
		MarkdownDescription: description,
		Validators:          []validator.String{keyTagValidator{hint: keyTagHintReference}},
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}

// keyScopedResource is embedded by the resources of one key: their Configure, IdentitySchema and client.
type keyScopedResource struct {
	// data stays nil until the provider is configured, and while it is nil the resource makes no API call.
	data *providerData
}

func (r *keyScopedResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (r *keyScopedResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = keyTagIdentitySchema()
}

// requireClient returns the API client, or adds an error when the provider has no configuration
// yet (its values were unknown at plan time, so no call could be made).
func (r *keyScopedResource) requireClient(diags *diag.Diagnostics) *kmsapi.Client {
	if r.data == nil {
		addProviderNotConfigured(diags, "no NCloud KMS call can be made")
		return nil
	}
	return r.data.client
}

// saveWithIdentity records state (a pointer to a model) in target, and the key tag as the identity
// where the CLI supports resource identity (identity is nil before Terraform 1.12 and OpenTofu 1.12).
func saveWithIdentity(ctx context.Context, state any, tag types.String, target *tfsdk.State, identity *tfsdk.ResourceIdentity,
	diags *diag.Diagnostics) {
	diags.Append(target.Set(ctx, state)...)
	if identity != nil {
		diags.Append(identity.Set(ctx, keyIdentityModel{KeyTag: tag})...)
	}
}

// removeFromState removes a resource that Read found gone. terraform-plugin-framework v1.19
// (fwserver ReadResource) requires an identity after every Read without errors, even one that
// removes the resource: it keeps the one it had.
func removeFromState(ctx context.Context, resp *resource.ReadResponse, tag string) {
	resp.State.RemoveResource(ctx)
	if resp.Identity != nil {
		resp.Diagnostics.Append(resp.Identity.Set(ctx, keyIdentityModel{KeyTag: types.StringValue(tag)})...)
	}
}

// keepStateUnread answers a Read made without provider data (while the provider configuration is
// unknown): the state stays as it is, and so does its identity, which terraform-plugin-framework
// v1.19 requires after every Read, also from a CLI that sends none (before Terraform 1.12).
func keepStateUnread(ctx context.Context, resp *resource.ReadResponse, tag types.String) {
	if resp.Identity != nil {
		resp.Diagnostics.Append(resp.Identity.Set(ctx, keyIdentityModel{KeyTag: tag})...)
	}
}

// keyIdentityModel is the identity: the key tag.
type keyIdentityModel struct {
	KeyTag types.String `tfsdk:"key_tag"`
}

func keyTagIdentitySchema() identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"key_tag": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "The key tag: 64 hexadecimal characters.",
			},
		},
	}
}

// importID is what an import names: the import ID, or the key tag of an import block with
// identity = { key_tag = "..." }, which must be a key tag.
func importID(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) (string, bool) {
	if req.ID != "" || req.Identity == nil {
		return req.ID, true
	}
	var identity keyIdentityModel
	if resp.Diagnostics.Append(req.Identity.Get(ctx, &identity)...); resp.Diagnostics.HasError() {
		return "", false
	}
	id := identity.KeyTag.ValueString()
	if !keyTagPattern.MatchString(id) {
		resp.Diagnostics.AddAttributeError(path.Root("key_tag"), "Invalid import identity",
			fmt.Sprintf("key_tag = %q is not a key tag: a key tag has 64 hexadecimal characters.", id))
		return "", false
	}
	return id, true
}

// importKeyTag imports a resource of one key by its key tag: Read fills in the rest.
func importKeyTag(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse, typeName string) {
	id, ok := importID(ctx, req, resp)
	if !ok {
		return
	}
	if !keyTagPattern.MatchString(id) {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Import ID %q is not a key tag. Use the tag of the key (64 hexadecimal characters), for example "+
				"terraform import %s.example 0123...cdef.", truncateForMessage(id, 80), typeName))
		return
	}
	tag := strings.ToLower(id)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), tag)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("key_tag"), tag)...)
}
