package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// The ncloudkms_ciphertext resource: a plaintext encrypted once, its ciphertext kept in the state
// (DESIGN.md §6a). A ciphertext is not a server object: Read and Delete make no call, and every
// change of what was encrypted makes a new ciphertext.

var (
	_ resource.Resource                   = (*ciphertextResource)(nil)
	_ resource.ResourceWithConfigure      = (*ciphertextResource)(nil)
	_ resource.ResourceWithValidateConfig = (*ciphertextResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*ciphertextResource)(nil)
)

// newCiphertextResource is registered by the provider.
func newCiphertextResource() resource.Resource {
	return &ciphertextResource{}
}

// ciphertextResource encrypts with one key. data stays nil until the provider is configured.
type ciphertextResource struct {
	data *providerData
}

// ciphertextModel is the resource's configuration and state; PlaintextWO is always null in plans
// and states (write-only), and is read from the configuration.
type ciphertextModel struct {
	KeyTag             types.String `tfsdk:"key_tag"`
	Plaintext          types.String `tfsdk:"plaintext"`
	PlaintextWO        types.String `tfsdk:"plaintext_wo"`
	PlaintextWOVersion types.Int64  `tfsdk:"plaintext_wo_version"`
	Context            types.String `tfsdk:"context"`
	Ciphertext         types.String `tfsdk:"ciphertext"`
	KeyVersion         types.Int64  `tfsdk:"key_version"`
}

func (r *ciphertextResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ciphertext"
}

func (r *ciphertextResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	plaintextLength := []validator.String{plaintextLengthValidator{}}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Encrypts a plaintext once with an NCloud KMS key and keeps the ciphertext, which can be " +
			"committed to Git and decrypted where it is needed with the ephemeral resource `ncloudkms_decrypt`. Give the " +
			"plaintext in `plaintext_wo` (write-only, Terraform 1.11 or later: never stored in a plan or a state), or in " +
			"`plaintext` (for older Terraform: stored in the state, marked sensitive). A change of `key_tag`, `context`, " +
			"`plaintext` or `plaintext_wo_version` makes a new ciphertext. A ciphertext is not an object in NCloud KMS: " +
			"destroying the resource makes no API call.",
		Attributes: map[string]schema.Attribute{
			"key_tag": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: keyTagDescription(useEncrypt) + " Changing it makes a new ciphertext.",
				Validators:          []validator.String{keyTagValidator{}},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"plaintext_wo": schema.StringAttribute{
				Optional:  true,
				WriteOnly: true,
				Sensitive: true,
				MarkdownDescription: fmt.Sprintf("The plaintext to encrypt (text, 1 byte to %d KiB; at most %d bytes for an "+
					"`%s` key), write-only: Terraform never stores it, so a change of it alone changes nothing. Change "+
					"`plaintext_wo_version` with it to make a new ciphertext. Needs Terraform 1.11 or later; set this or "+
					"`plaintext`.", maxPlaintextBytes>>10, maxRSAPlaintextBytes, rsaKeyType),
				Validators: plaintextLength,
			},
			"plaintext_wo_version": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Required with `plaintext_wo`: any number, changed to encrypt the current " +
					"`plaintext_wo` again (a new ciphertext).",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"plaintext": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "The plaintext to encrypt, for Terraform older than 1.11: it is stored in the state " +
					"(marked sensitive), so prefer `plaintext_wo`. Same limits as `plaintext_wo`; changing it makes a new " +
					"ciphertext. Set this or `plaintext_wo`.",
				Validators:    plaintextLength,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"context": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: contextDescription(contextBoundAtEncryption) + " Changing it makes a new ciphertext.",
				Validators:          contextValidators(),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"ciphertext": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The ciphertext, `" + kmsapi.CiphertextPrefix + "{N}:{Base64}`, safe to store and to " +
					"commit: only the key can decrypt it (`ncloudkms_decrypt`).",
			},
			"key_version": schema.Int64Attribute{
				Computed: true,
				MarkdownDescription: "The key version that encrypted the plaintext (N of the ciphertext); it must stay " +
					"enabled for the ciphertext to decrypt.",
			},
		},
	}
}

func (r *ciphertextResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig requires exactly one of plaintext_wo and plaintext, and plaintext_wo_version
// with plaintext_wo and only with it. An unknown value counts as set.
func (r *ciphertextResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var config ciphertextModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	writeOnly, stored, version := !config.PlaintextWO.IsNull(), !config.Plaintext.IsNull(), !config.PlaintextWOVersion.IsNull()
	// An error attached to plaintext or plaintext_wo would make Terraform quote its line, which may
	// hold the plaintext: those errors name them in words only.
	switch {
	case writeOnly && stored:
		resp.Diagnostics.AddError(summaryPlaintextChoice, plaintextBothDetail)
	case !writeOnly && !stored:
		resp.Diagnostics.AddError(summaryPlaintextChoice, plaintextNoneDetail)
	case writeOnly && !version:
		resp.Diagnostics.AddError(summaryPlaintextVersion, plaintextVersionMissingDetail)
	case !writeOnly && version:
		resp.Diagnostics.AddAttributeError(path.Root("plaintext_wo_version"), summaryPlaintextVersion, plaintextVersionAloneDetail)
	}
}

// ModifyPlan checks, in a plan that encrypts, that the key can encrypt this plaintext: its type,
// a context for a convergent key, the size for an RSA2048 key. Type and convergence never change
// on a key, so the plan can tell; a key created in the same plan (unknown key_tag) is not checked.
func (r *ciphertextResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return // destroy, which makes no call, or no client yet
	}
	var plan, config ciphertextModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || !plan.Ciphertext.IsUnknown() || plan.KeyTag.IsUnknown() {
		return
	}
	key := readKeyToCheck(ctx, r.data.client, &resp.Diagnostics, plan.KeyTag.ValueString(), useEncrypt)
	if key == nil {
		return
	}
	plaintext, length := plaintextOf(plan, config), -1
	if !plaintext.IsUnknown() {
		length = len(plaintext.ValueString())
	}
	addKeyMismatch(&resp.Diagnostics, key, useEncrypt, !config.Context.IsNull(), length)
}

// plaintextOf is the plaintext to encrypt: plaintext from the plan, else plaintext_wo from the configuration.
func plaintextOf(plan, config ciphertextModel) types.String {
	if !plan.Plaintext.IsNull() {
		return plan.Plaintext
	}
	return config.PlaintextWO
}

// Create encrypts the plaintext under the key's current version: one call.
func (r *ciphertextResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config ciphertextModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.data == nil {
		addProviderNotConfigured(&resp.Diagnostics, "no NCloud KMS call can be made")
		return
	}
	tag, bound := plan.KeyTag.ValueString(), contextBytes(plan.Context)
	ciphertext, err := r.data.client.Encrypt(ctx, tag, kmsapi.EncryptInput{
		Plaintext: []byte(plaintextOf(plan, config).ValueString()), Context: bound})
	if err != nil {
		explainCryptoFailure(ctx, r.data.client, &resp.Diagnostics, summaryEncryptFailed, "The plaintext could not be encrypted",
			tag, useEncrypt, bound != nil, 0, err)
		return
	}
	version, err := kmsapi.CiphertextVersion(ciphertext)
	if err != nil {
		resp.Diagnostics.AddError(summaryEncryptFailed, fmt.Sprintf("NCloud KMS answered the encryption with the key tagged "+
			"%s with a value that is %v, so it is not kept.", tag, err))
		return
	}
	plan.PlaintextWO = types.StringNull()
	plan.Ciphertext, plan.KeyVersion = types.StringValue(ciphertext), types.Int64Value(version)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Read makes no call: the ciphertext stays what it is whatever happens to the key, and
// ncloudkms_decrypt says why it cannot be decrypted when it cannot.
func (r *ciphertextResource) Read(_ context.Context, _ resource.ReadRequest, _ *resource.ReadResponse) {
}

// Update is never planned (every argument makes a new ciphertext); should it be, it keeps the
// ciphertext and takes the plan's arguments, without a call.
func (r *ciphertextResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state ciphertextModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.Ciphertext, plan.KeyVersion = state.Ciphertext, state.KeyVersion
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete makes no call: a ciphertext is not an object in NCloud KMS. Terraform forgets it.
func (r *ciphertextResource) Delete(_ context.Context, _ resource.DeleteRequest, _ *resource.DeleteResponse) {
}
