package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// The ephemeral resource ncloudkms_key_tokens (Terraform 1.10+): a token set of one key
// (DESIGN.md §2.30), issued each time Terraform opens it. Terraform keeps ephemeral values
// out of the plan and the state, so the tokens reach only what the configuration hands them to.

var (
	_ ephemeral.EphemeralResource              = (*keyTokensEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigure = (*keyTokensEphemeralResource)(nil)
)

// Token lifetimes in hours (§2.30): 1–17520, or 0 for unlimited.
const (
	maxTokenHours            = 17520
	defaultAccessTokenHours  = 72
	defaultRefreshTokenHours = 2160
)

// newKeyTokensEphemeralResource is registered by the provider.
func newKeyTokensEphemeralResource() ephemeral.EphemeralResource {
	return &keyTokensEphemeralResource{}
}

// keyTokensEphemeralResource issues a token set. data stays nil until the provider is configured.
type keyTokensEphemeralResource struct {
	data *providerData
}

// keyTokensModel is the configuration and the result of ncloudkms_key_tokens.
type keyTokensModel struct {
	KeyTag            types.String `tfsdk:"key_tag"`
	AccessTokenHours  types.Int64  `tfsdk:"access_token_hours"`
	RefreshTokenHours types.Int64  `tfsdk:"refresh_token_hours"`
	AccessToken       types.String `tfsdk:"access_token"`
	RefreshToken      types.String `tfsdk:"refresh_token"`
}

func (e *keyTokensEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_key_tokens"
}

func (e *keyTokensEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (e *keyTokensEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	hours := func(what string, fallback int) schema.Int64Attribute {
		return schema.Int64Attribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: fmt.Sprintf("Lifetime of the %s in hours, 1 to %d, or `0` for a token that never expires. "+
				"Defaults to `%d`.", what, maxTokenHours, fallback),
			Validators: []validator.Int64{int64validator.Between(0, maxTokenHours)},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A token set of an NCloud KMS key, issued each time Terraform opens this ephemeral resource " +
			"(Terraform 1.10 or later), and never written to the plan or the state. The access token authorises the " +
			"key's cryptographic calls; the refresh token issues new access tokens. The key needs a token generator " +
			"(`ncloudkms_key_token_generator`), and while its IP ACL is on, the machine that runs Terraform must be on " +
			"the allow list.",
		Attributes: map[string]schema.Attribute{
			"key_tag": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The key's tag. Take it from the generator, `" + tokenGeneratorReference + "`: Terraform " +
					"then asks for tokens only once the generator exists, and again after it is regenerated.",
				Validators: []validator.String{keyTagValidator{hint: keyTagHintReference}},
			},
			"access_token_hours":  hours("access token", defaultAccessTokenHours),
			"refresh_token_hours": hours("refresh token", defaultRefreshTokenHours),
			"access_token": schema.StringAttribute{
				Computed:            true,
				Sensitive:           true,
				MarkdownDescription: "The access token: send it as the `x-ncp-ocapi-token` header of the key's cryptographic calls.",
			},
			"refresh_token": schema.StringAttribute{
				Computed:            true,
				Sensitive:           true,
				MarkdownDescription: "The refresh token: it issues new access tokens, and new token sets.",
			},
		},
	}
}

// Open issues one token set for the key.
func (e *keyTokensEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var config keyTokensModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &config)...); resp.Diagnostics.HasError() {
		return
	}
	if e.data == nil {
		addProviderNotConfigured(&resp.Diagnostics, "no token can be issued")
		return
	}
	if config.AccessTokenHours.IsNull() {
		config.AccessTokenHours = types.Int64Value(defaultAccessTokenHours)
	}
	if config.RefreshTokenHours.IsNull() {
		config.RefreshTokenHours = types.Int64Value(defaultRefreshTokenHours)
	}
	tag := config.KeyTag.ValueString()
	set, err := e.data.client.CreateTokenSet(ctx, tag, kmsapi.TokenLifetimes{
		AccessTokenHours:  kmsapi.TokenHours(config.AccessTokenHours.ValueInt64()),
		RefreshTokenHours: kmsapi.TokenHours(config.RefreshTokenHours.ValueInt64()),
	})
	if err != nil {
		resp.Diagnostics.AddError(summaryKeyTokensNotIssued, tokensNotIssuedDetail(tag, err))
		return
	}
	config.AccessToken = types.StringValue(set.AccessToken)
	config.RefreshToken = types.StringValue(set.RefreshToken)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &config)...)
}
