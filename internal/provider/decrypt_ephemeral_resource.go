package provider

import (
	"context"
	"encoding/base64"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// The ncloudkms_decrypt ephemeral resource (Terraform 1.10+): a ciphertext decrypted into values
// that Terraform keeps in memory only, never in a plan or a state (DESIGN.md §6a).

var (
	_ ephemeral.EphemeralResource              = (*decryptEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigure = (*decryptEphemeralResource)(nil)
)

// newDecryptEphemeralResource is registered by the provider.
func newDecryptEphemeralResource() ephemeral.EphemeralResource {
	return &decryptEphemeralResource{}
}

// decryptEphemeralResource decrypts one ciphertext each time Terraform opens it.
type decryptEphemeralResource struct {
	data *providerData
}

// decryptModel is its configuration and result.
type decryptModel struct {
	KeyTag          types.String `tfsdk:"key_tag"`
	Ciphertext      types.String `tfsdk:"ciphertext"`
	Context         types.String `tfsdk:"context"`
	Binary          types.Bool   `tfsdk:"binary"`
	Plaintext       types.String `tfsdk:"plaintext"`
	PlaintextBase64 types.String `tfsdk:"plaintext_base64"`
}

func (r *decryptEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_decrypt"
}

func (r *decryptEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Decrypts a ciphertext of an NCloud KMS key (such as one made by `ncloudkms_ciphertext`) into " +
			"an ephemeral value: Terraform keeps the plaintext in memory while it runs, and never writes it to a plan or a " +
			"state. Use it where a write-only argument or a provider configuration needs the secret. Needs Terraform 1.10 or later.",
		Attributes: map[string]schema.Attribute{
			"key_tag": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: keyTagDescription(useDecrypt) + " Its version that made the ciphertext must be enabled.",
				Validators:          []validator.String{keyTagValidator{}},
			},
			"ciphertext": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The ciphertext, `" + kmsapi.CiphertextPrefix + "{N}:{Base64}` as NCloud KMS returns it: N " +
					"is the key version that encrypted it, and decrypts it.",
				Validators: []validator.String{ciphertextValidator{}},
			},
			"context": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: contextDescription(contextGivenAtEncryption),
				Validators:          contextValidators(),
			},
			"binary": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Set to `true` when the plaintext is not text (random bytes, a key): `plaintext` then " +
					"stays null, and only `plaintext_base64` is set. Without it, a plaintext that is not UTF-8 text is an error.",
			},
			"plaintext": schema.StringAttribute{
				Computed:  true,
				Sensitive: true,
				MarkdownDescription: "The plaintext as text. It must be UTF-8 (in Unicode normalization form C, as Terraform " +
					"keeps every string): any other plaintext is an error that points at `binary` and `plaintext_base64`. " +
					"Null when `binary` is `true`.",
			},
			"plaintext_base64": schema.StringAttribute{
				Computed:            true,
				Sensitive:           true,
				MarkdownDescription: "The plaintext in Base64, byte for byte.",
			},
		},
	}
}

func (r *decryptEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Open decrypts the ciphertext with the key version its prefix names: one call, or, when NCloud
// refuses it, the reads that say why (explainCryptoFailure).
func (r *decryptEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var config decryptModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.data == nil {
		addProviderNotConfigured(&resp.Diagnostics, "the ciphertext cannot be decrypted during this plan")
		return
	}
	tag, ciphertext := config.KeyTag.ValueString(), config.Ciphertext.ValueString()
	version, err := kmsapi.CiphertextVersion(ciphertext)
	if err != nil { // the validator refuses it; this is for a value that was unknown then
		resp.Diagnostics.AddAttributeError(path.Root("ciphertext"), summaryInvalidCiphertext, invalidCiphertextDetail(err))
		return
	}
	bound := contextBytes(config.Context)
	plaintext, err := r.data.client.Decrypt(ctx, tag, kmsapi.DecryptInput{Ciphertext: ciphertext, Context: bound})
	if err != nil {
		explainCryptoFailure(ctx, r.data.client, &resp.Diagnostics, summaryDecryptFailed,
			fmt.Sprintf("The ciphertext of key version %d could not be decrypted", version), tag, useDecrypt, bound != nil, version, err)
		return
	}

	config.PlaintextBase64 = types.StringValue(base64.StdEncoding.EncodeToString(plaintext))
	config.Plaintext = types.StringNull()
	if !config.Binary.ValueBool() {
		if problem := textProblem(plaintext); problem != "" {
			resp.Diagnostics.AddError(summaryPlaintextNotText, plaintextNotTextDetail(problem))
			return
		}
		config.Plaintext = types.StringValue(string(plaintext))
	}
	resp.Diagnostics.Append(resp.Result.Set(ctx, &config)...)
}
