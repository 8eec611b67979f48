package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// The ncloudkms_key_token_generator resource: the token generator of one key (DESIGN.md
// §2.26–§2.29, DESIGN.md §5a). Replacing or deleting a generator revokes every token it issued,
// for ever; the plan says so (key_token_generator_resource_plan.go), on every path that does it.

var (
	_ resource.Resource                = (*keyTokenGeneratorResource)(nil)
	_ resource.ResourceWithConfigure   = (*keyTokenGeneratorResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*keyTokenGeneratorResource)(nil)
	_ resource.ResourceWithImportState = (*keyTokenGeneratorResource)(nil)
	_ resource.ResourceWithIdentity    = (*keyTokenGeneratorResource)(nil)
)

// keyTokenGeneratorTypeName is the resource's type name in configurations.
const keyTokenGeneratorTypeName = "ncloudkms_key_token_generator"

// newKeyTokenGeneratorResource is registered by the provider.
func newKeyTokenGeneratorResource() resource.Resource {
	return &keyTokenGeneratorResource{}
}

// keyTokenGeneratorResource manages the token generator of one key.
type keyTokenGeneratorResource struct {
	keyScopedResource
}

// keyTokenGeneratorModel is the state and plan of ncloudkms_key_token_generator.
type keyTokenGeneratorModel struct {
	ID                 types.String `tfsdk:"id"`
	KeyTag             types.String `tfsdk:"key_tag"`
	RegenerateTriggers types.Map    `tfsdk:"regenerate_triggers"`
	DeletionProtection types.Bool   `tfsdk:"deletion_protection"`
	GeneratorID        types.String `tfsdk:"generator_id"`
	Status             types.String `tfsdk:"status"`
	EnabledAt          types.String `tfsdk:"enabled_at"`
	IssuedTokenCount   types.Int64  `tfsdk:"issued_token_count"`
}

func (r *keyTokenGeneratorResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_key_token_generator"
}

func (r *keyTokenGeneratorResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The token generator of an NCloud KMS key: the tokens it issues let an application call the " +
			"key's cryptographic API without account keys. One per key. Replacing or deleting it revokes every token it " +
			"issued, which the plan says; get tokens with the ephemeral resource `ncloudkms_key_tokens`.",
		Attributes: map[string]schema.Attribute{
			"id": keyScopedIDAttribute("known once the generator exists: give it to `ncloudkms_key_tokens` as " +
				"`key_tag`, so that Terraform asks for tokens only after the generator is made."),
			"key_tag": keyTagArgument("The tag of the key whose generator this is. Changing it deletes this generator, " +
				"revoking its tokens, and creates one for the other key."),
			"regenerate_triggers": schema.MapAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Arbitrary strings; any change replaces the generator in place with a new one " +
					"(a new `generator_id`), which revokes every token the old one issued. Null and empty are the same.",
			},
			// No static Default: the plan fills it from the provider's default (deletion_defaults.go).
			"deletion_protection": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "When `true`, every plan that would revoke the generator's tokens (destroy, " +
					"regeneration, replacement) fails. " + ownDeletionDefaultDescription(defaultDeletionProtectionAttribute, "false"),
			},
			"generator_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The generator's id; a new one after every regeneration.",
			},
			"status": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "`" + kmsapi.GeneratorActive + "` while the key is enabled (tokens can be issued), `" +
					kmsapi.GeneratorInactive + "` otherwise.",
			},
			"enabled_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the current generator was made (RFC 3339, UTC).",
			},
			"issued_token_count": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "How many token sets and access tokens the current generator has issued, as last read.",
			},
		},
	}
}

// setFromGenerator copies Get Token Generator's answer into the model.
func (m *keyTokenGeneratorModel) setFromGenerator(tag string, g *kmsapi.TokenGenerator) {
	m.ID, m.KeyTag = types.StringValue(tag), types.StringValue(tag)
	m.GeneratorID = stringOrNull(g.ID)
	m.Status = stringOrNull(g.Status)
	m.EnabledAt = timestampOrNull(g.EnabledDate)
	m.IssuedTokenCount = types.Int64Value(g.IssuedTokenCount)
}

// forgetGenerator records a generator made or replaced whose answer could not be read: the values
// it would have reported are not known (a saved state holds no unknowns).
func (m *keyTokenGeneratorModel) forgetGenerator(tag string) {
	m.ID, m.KeyTag = types.StringValue(tag), types.StringValue(tag)
	m.GeneratorID, m.Status, m.EnabledAt, m.IssuedTokenCount = types.StringNull(), types.StringNull(), types.StringNull(), types.Int64Null()
}

// saveReadBack reads the generator that a create or a replacement made, and records it. When the
// read fails, the generator is recorded without the values only the read gives, and what says
// what was done.
func saveReadBack(ctx context.Context, client *kmsapi.Client, state keyTokenGeneratorModel, target *tfsdk.State,
	identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics, what string) {
	tag := state.KeyTag.ValueString()
	g, err := client.GetTokenGenerator(ctx, tag)
	if err != nil {
		state.forgetGenerator(tag)
	} else {
		state.setFromGenerator(tag, g)
	}
	saveWithIdentity(ctx, &state, state.KeyTag, target, identity, diags)
	if err != nil {
		diags.AddError(summaryKeyTokenGeneratorReadFailed, fmt.Sprintf("The token generator of the key with key tag %s %s. %s",
			tag, what, apiErrorTail(err)))
	}
}

// Create makes the key's generator, then reads it once for the values only Get reports. A stop
// does not cut it short once begun: a generator the server made must reach the state.
func (r *keyTokenGeneratorResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan keyTokenGeneratorModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	client := r.requireClient(&resp.Diagnostics)
	if client == nil {
		return
	}
	// The plan's replaced-generator record says nothing about the new generator.
	resp.Diagnostics.Append(generatorRemovalRecord.Clear(ctx, resp.Private)...)
	tag := plan.KeyTag.ValueString()
	if err := ctx.Err(); err != nil {
		resp.Diagnostics.AddError(summaryKeyTokenGeneratorCreationFailed, fmt.Sprintf("No token generator was created for "+
			"the key with key tag %s: Terraform stopped the operation before it began (%v).", tag, err))
		return
	}
	ctx, finish := finishDespiteStop(ctx, stopGracePeriod)
	defer finish()

	if err := client.CreateTokenGenerator(ctx, tag); err != nil {
		resp.Diagnostics.AddError(summaryKeyTokenGeneratorCreationFailed, fmt.Sprintf("No token generator was created for "+
			"the key with key tag %s.%s %s", tag, generatorExistsHint(err, tag), apiErrorTail(err)))
		return
	}
	saveReadBack(ctx, client, plan, &resp.State, resp.Identity, &resp.Diagnostics, "was created but could not be "+
		"read back. It is saved in the Terraform state and marked tainted: the next plan replaces it, which it says; "+
		"run terraform untaint on this resource to keep it instead")
}

// Read refreshes the generator with one read; a generator gone outside Terraform leaves the
// state with a warning.
func (r *keyTokenGeneratorResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state keyTokenGeneratorModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	if r.data == nil { // without a configured provider keep the state as it is
		keepStateUnread(ctx, resp, state.KeyTag)
		return
	}
	tag := state.KeyTag.ValueString()
	g, err := r.data.client.GetTokenGenerator(ctx, tag)
	if kmsapi.IsNotFound(err) {
		resp.Diagnostics.AddWarning(summaryKeyTokenGeneratorDeletedOutside, generatorDeletedOutsideDetail(r.data.describeKey(ctx, tag)))
		removeFromState(ctx, resp, tag)
		r.data.generators.Forget(tag) // the create that follows replaces nothing
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(summaryKeyTokenGeneratorReadFailed,
			fmt.Sprintf("The token generator of the key with key tag %s could not be read. %s", tag, apiErrorTail(err)))
		return
	}
	state.setFromGenerator(tag, g)
	if state.DeletionProtection.IsNull() || state.DeletionProtection.IsUnknown() { // after an import
		state.DeletionProtection = types.BoolValue(r.data.deletionDefaults.Protection)
	}
	// Refresh runs before the plan in the same provider process: a tainted generator's
	// replacement then knows its issued tokens as they are now.
	r.data.generators.Observe(replacedGeneratorOf(state))
	saveWithIdentity(ctx, &state, state.KeyTag, &resp.State, resp.Identity, &resp.Diagnostics)
}

// Update replaces the generator in place (PUT) when regenerate_triggers changed, then reads the
// new one; a change of deletion_protection alone makes no call.
func (r *keyTokenGeneratorResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state keyTokenGeneratorModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The plan's replaced-generator record is for plans only.
	resp.Diagnostics.Append(generatorRemovalRecord.Clear(ctx, resp.Private)...)
	tag := state.KeyTag.ValueString()
	next := state
	next.DeletionProtection = plan.DeletionProtection
	if sameTriggers(state.RegenerateTriggers, plan.RegenerateTriggers) {
		next.RegenerateTriggers = plan.RegenerateTriggers
		saveWithIdentity(ctx, &next, next.KeyTag, &resp.State, resp.Identity, &resp.Diagnostics)
		return
	}
	client := r.requireClient(&resp.Diagnostics)
	if client == nil {
		return
	}
	ctx, finish := finishDespiteStop(ctx, stopGracePeriod)
	defer finish()
	if err := client.ReplaceTokenGenerator(ctx, tag, state.GeneratorID.ValueString()); err != nil {
		resp.Diagnostics.AddError(summaryKeyTokenGeneratorRegenerationFailed, fmt.Sprintf("The token generator of the key "+
			"with key tag %s could not be replaced; its tokens keep working. %s", tag, apiErrorTail(err)))
		return
	}
	next.RegenerateTriggers = plan.RegenerateTriggers
	saveReadBack(ctx, client, next, &resp.State, resp.Identity, &resp.Diagnostics, "was replaced (its old tokens are "+
		"revoked) but the new one could not be read; the next refresh reads it")
}

// Delete deletes the generator, which revokes its tokens; one that is gone counts as deleted.
// It refuses, before any call, a protected generator or a removal the plan did not announce.
func (r *keyTokenGeneratorResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state keyTokenGeneratorModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	tag := state.KeyTag.ValueString()
	// Backstops of the plan-time diagnostics.
	if state.DeletionProtection.ValueBool() {
		rv := tokenRevocation{Key: keyRef{Tag: tag}, Issued: state.IssuedTokenCount.ValueInt64(), Change: generatorDestroyed}
		resp.Diagnostics.AddError(summaryKeyTokenRevocationProtected, tokenRevocationProtectedDetail(rv))
		return
	}
	if !generatorRemovalAnnounced(ctx, req, tag) {
		resp.Diagnostics.AddError(summaryKeyTokenGeneratorRemovalNotAnnounced, generatorRemovalNotAnnouncedDetail(keyRef{Tag: tag}))
		return
	}
	client := r.requireClient(&resp.Diagnostics)
	if client == nil {
		return
	}
	ctx, finish := finishDespiteStop(ctx, stopGracePeriod)
	defer finish()
	if err := client.DeleteTokenGenerator(ctx, tag); err != nil && !kmsapi.IsNotFound(err) {
		resp.Diagnostics.AddError(summaryKeyTokenGeneratorDeletionFailed, fmt.Sprintf("The token generator of the key with "+
			"key tag %s could not be deleted; it stays in the Terraform state and its tokens keep working. %s", tag, apiErrorTail(err)))
	}
}

// ImportState takes the generator of the key tagged with the import ID (or the identity's key
// tag); deletion_protection starts at its default, the provider's where it sets one.
func (r *keyTokenGeneratorResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importKeyTag(ctx, req, resp, keyTokenGeneratorTypeName)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("deletion_protection"), r.knownDeletionDefaults().Protection)...)
	}
}
