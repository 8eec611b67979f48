package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

var (
	_ datasource.DataSource              = (*publicKeyDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*publicKeyDataSource)(nil)
)

// maxKeyVersions is the most versions a key has (DESIGN.md §10).
const maxKeyVersions = 100

// newPublicKeyDataSource is registered by the provider.
func newPublicKeyDataSource() datasource.DataSource {
	return &publicKeyDataSource{}
}

// publicKeyDataSource reads the public key of a version of an RSA2048 or ECDSA key.
type publicKeyDataSource struct {
	data *providerData
}

// publicKeyModel is the data source's configuration and state.
type publicKeyModel struct {
	KeyTag       types.String `tfsdk:"key_tag"`
	Version      types.Int64  `tfsdk:"version"`
	PublicKeyPEM types.String `tfsdk:"public_key_pem"`
}

func (d *publicKeyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_public_key"
}

func (d *publicKeyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The public key of a version of an NCloud KMS `" + rsaKeyType + "` or `" + ecdsaKeyType + "` key, " +
			"to verify its signatures or encrypt for it outside NCloud. An `" + aesKeyType + "` key has no public key: " +
			"the plan fails on `key_tag` when the key is known at plan time.",
		Attributes: map[string]schema.Attribute{
			"key_tag": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: keyTagDescription(usePublicKey),
				Validators:          []validator.String{keyTagValidator{}},
			},
			"version": schema.Int64Attribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: fmt.Sprintf("The key version (1 to %d), which must be enabled. Defaults to the "+
					"key's current version at the time of reading.", maxKeyVersions),
				Validators: []validator.Int64{int64validator.Between(1, maxKeyVersions)},
			},
			"public_key_pem": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The public key in PEM (`PUBLIC KEY`, SubjectPublicKeyInfo).",
			},
		},
	}
}

func (d *publicKeyDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Read reads the key first: its type says whether it has a public key at all (an AES256 key is an
// error on key_tag, at plan time whenever key_tag is known then), and its current version is the
// default. Then it reads the public key of that exact version.
func (d *publicKeyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config publicKeyModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.data == nil {
		addProviderNotConfigured(&resp.Diagnostics, "this data source cannot call the API during this plan")
		return
	}
	client, tag := d.data.client, config.KeyTag.ValueString()
	key, err := client.GetKey(ctx, tag)
	switch {
	case kmsapi.IsNotFound(err):
		resp.Diagnostics.AddAttributeError(path.Root("key_tag"), summaryKeyNotFound,
			keyNotFoundDetail("The public key could not be read", tag, err))
		return
	case err != nil:
		resp.Diagnostics.AddError(summaryPublicKeyReadFailed,
			fmt.Sprintf("The key tagged %s could not be read. %s", tag, apiErrorTail(err)))
		return
	}
	if addKeyMismatch(&resp.Diagnostics, key, usePublicKey, false, -1) {
		return
	}
	version := key.CurrentVersion
	if !config.Version.IsNull() {
		version = config.Version.ValueInt64()
	}
	if version > key.CurrentVersion {
		resp.Diagnostics.AddAttributeError(path.Root("version"), summaryPublicKeyReadFailed, fmt.Sprintf("Key %s has "+
			"versions 1 to %d, and no version %d.", keyRefOf(*key), key.CurrentVersion, version))
		return
	}
	pem, err := client.GetPublicKey(ctx, tag, kmsapi.PublicKeyInput{Version: version})
	if err != nil {
		explainCryptoFailure(ctx, client, &resp.Diagnostics, summaryPublicKeyReadFailed,
			fmt.Sprintf("The public key of version %d could not be read", version), tag, usePublicKey, false, version, err)
		return
	}
	config.Version, config.PublicKeyPEM = types.Int64Value(version), types.StringValue(pem)
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}
