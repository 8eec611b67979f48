package provider

import (
	"context"
	"encoding/base64"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// The ncloudkms_data_key ephemeral resource (Terraform 1.10+): a new data key for envelope
// encryption each time Terraform opens it, the plaintext key in memory only (DESIGN.md §6a).

var (
	_ ephemeral.EphemeralResource              = (*dataKeyEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigure = (*dataKeyEphemeralResource)(nil)
)

// newDataKeyEphemeralResource is registered by the provider.
func newDataKeyEphemeralResource() ephemeral.EphemeralResource {
	return &dataKeyEphemeralResource{}
}

// dataKeyEphemeralResource makes one data key (create-custom-key) each time Terraform opens it.
type dataKeyEphemeralResource struct {
	data *providerData
}

// dataKeyModel is its configuration and result.
type dataKeyModel struct {
	KeyTag     types.String `tfsdk:"key_tag"`
	Bits       types.Int64  `tfsdk:"bits"`
	Context    types.String `tfsdk:"context"`
	Plaintext  types.String `tfsdk:"plaintext"`
	Ciphertext types.String `tfsdk:"ciphertext"`
	KeyVersion types.Int64  `tfsdk:"key_version"`
}

func (r *dataKeyEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_data_key"
}

func (r *dataKeyEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	bits := make([]string, len(dataKeyBits))
	for i, b := range dataKeyBits {
		bits[i] = fmt.Sprint(b)
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A new random data key for envelope encryption, made by an NCloud KMS key: `plaintext` is the " +
			"data key itself, which encrypts your data; `ciphertext` is the same data key sealed by the KMS key, to keep " +
			"beside that data (`ncloudkms_decrypt` opens it again). Each run of Terraform makes a new data key. The " +
			"values are ephemeral: Terraform never writes them to a plan or a state. Needs Terraform 1.10 or later.",
		Attributes: map[string]schema.Attribute{
			"key_tag": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: keyTagDescription(useDataKey),
				Validators:          []validator.String{keyTagValidator{}},
			},
			"bits": schema.Int64Attribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: fmt.Sprintf("The size of the data key in bits: %s. Defaults to `%d`.",
					markdownValueList(bits), defaultDataKeyBits),
				Validators: []validator.Int64{int64validator.OneOf(dataKeyBits...)},
			},
			"context": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: contextDescription(contextBoundAtEncryption),
				Validators:          contextValidators(),
			},
			"plaintext": schema.StringAttribute{
				Computed:            true,
				Sensitive:           true,
				MarkdownDescription: "The data key, in Base64.",
			},
			"ciphertext": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The data key sealed by the KMS key, `" + kmsapi.CiphertextPrefix + "{N}:{Base64}`: " +
					"`ncloudkms_decrypt` with the same `key_tag` and `context` gives the data key back (in `plaintext`, " +
					"with `binary = true`, or in `plaintext_base64`).",
			},
			"key_version": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "The version of the KMS key that sealed the data key; it must stay enabled for `ciphertext` to decrypt.",
			},
		},
	}
}

func (r *dataKeyEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Open makes one data key, asking NCloud for its plaintext too.
func (r *dataKeyEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var config dataKeyModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.data == nil {
		addProviderNotConfigured(&resp.Diagnostics, "no data key can be made during this plan")
		return
	}
	if config.Bits.IsNull() {
		config.Bits = types.Int64Value(defaultDataKeyBits)
	}
	tag, bound := config.KeyTag.ValueString(), contextBytes(config.Context)
	key, err := r.data.client.CreateCustomKey(ctx, tag, kmsapi.DataKeyInput{
		Bits: int(config.Bits.ValueInt64()), IncludePlaintext: true, Context: bound})
	if err != nil {
		explainCryptoFailure(ctx, r.data.client, &resp.Diagnostics, summaryDataKeyFailed,
			fmt.Sprintf("A %d-bit data key could not be made", config.Bits.ValueInt64()), tag, useDataKey, bound != nil, 0, err)
		return
	}
	if got := int64(len(key.Plaintext)) * 8; got != config.Bits.ValueInt64() {
		resp.Diagnostics.AddError(summaryDataKeyFailed, fmt.Sprintf("NCloud KMS answered a data key of %d bits for a "+
			"request of %d bits with the key tagged %s, so it is not used.", got, config.Bits.ValueInt64(), tag))
		return
	}
	config.Plaintext = types.StringValue(base64.StdEncoding.EncodeToString(key.Plaintext))
	config.Ciphertext = types.StringValue(key.Ciphertext)
	config.KeyVersion = types.Int64Value(key.KeyVersion)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &config)...)
}
