package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

var (
	_ datasource.DataSource                     = (*keyDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*keyDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*keyDataSource)(nil)
)

// newKeyDataSource is registered by the provider.
func newKeyDataSource() datasource.DataSource {
	return &keyDataSource{}
}

// keyDataSource reads one key by tag or by name.
type keyDataSource struct {
	data *providerData
}

func (d *keyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_key"
}

func (d *keyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computedString := func(description string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: description}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one NCloud KMS key, found by `key_tag` or by `name` (set exactly one). " +
			"A key pending deletion is found too, with `status = \"" + kmsapi.StatusRevoke + "\"`.",
		Attributes: map[string]schema.Attribute{
			"key_tag": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "The key tag to look up (64 hexadecimal characters). Set this or `name`.",
				Validators:          []validator.String{keyTagValidator{hint: keyTagHintByName}},
			},
			"name": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "The key name to look up, compared case-insensitively as NCloud does; " +
					"the state holds the name as stored. Set this or `key_tag`.",
				Validators: []validator.String{keyNameValidator{}},
			},
			"id":              computedString("The key tag."),
			"type":            computedString("Key type: " + markdownValueList(kmsapi.KeyTypes) + "."),
			"protection_type": computedString("Where the key is stored: " + markdownValueList(kmsapi.ProtectionTypes) + "."),
			"memo":            computedString("The key's memo."),
			"convergent": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "Whether the key uses convergent encryption.",
			},
			"rotation_period_days": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "Automatic rotation period in days; null while automatic rotation is off.",
			},
			"enabled": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "Whether the key is usable (`status = \"" + kmsapi.StatusEnable + "\"`).",
			},
			"status": computedString(markdownValueList(kmsapi.KeyStatuses) + " (`" + kmsapi.StatusRevoke + "` means pending deletion)."),
			"current_version": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "The newest key version.",
			},
			"nrn":                    computedString("The NCloud resource name of the key."),
			"created_at":             computedString("Creation time (RFC 3339, UTC)."),
			"next_rotation_at":       computedString("Next automatic rotation (RFC 3339, UTC); null while automatic rotation is off."),
			"deletion_scheduled_for": computedString("When NCloud will delete the key (RFC 3339, UTC); set only while the key is pending deletion (`" + kmsapi.StatusRevoke + "`)."),
		},
	}
}

// ConfigValidators makes "exactly one of key_tag and name" a plan-time error, before any API call.
func (d *keyDataSource) ConfigValidators(_ context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("key_tag"), path.MatchRoot("name")),
	}
}

func (d *keyDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *keyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config keyModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.data == nil {
		addProviderNotConfigured(&resp.Diagnostics, "this data source cannot call the API during this plan")
		return
	}

	var key *kmsapi.Key
	if !config.KeyTag.IsNull() {
		key = d.readByTag(ctx, config.KeyTag.ValueString(), resp)
	} else {
		key = d.readByName(ctx, config.Name.ValueString(), resp)
	}
	if key == nil {
		return
	}
	// Mapped exactly as the key resource maps it, so that a key reads the same through either.
	var state keyModel
	state.setFromKey(key)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (d *keyDataSource) readByTag(ctx context.Context, tag string, resp *datasource.ReadResponse) *kmsapi.Key {
	key, err := d.data.client.GetKey(ctx, tag)
	switch {
	case kmsapi.IsNotFound(err):
		resp.Diagnostics.AddAttributeError(path.Root("key_tag"), "Key not found",
			fmt.Sprintf("No KMS key has the key tag %q (it never existed, or it has been deleted). %s", tag, apiErrorTail(err)))
		return nil
	case err != nil:
		resp.Diagnostics.AddError("Key read failed", fmt.Sprintf("The key with key tag %q could not be read. %s", tag, apiErrorTail(err)))
		return nil
	}
	return key
}

// readByName pages through the key list (the API has no name filter), then reads the match in
// full, since list items lack nrn, memo, rotation and version.
func (d *keyDataSource) readByName(ctx context.Context, name string, resp *datasource.ReadResponse) *kmsapi.Key {
	match, err := d.data.client.FindKeyByName(ctx, name)
	if err != nil {
		resp.Diagnostics.AddError("Key lookup failed", fmt.Sprintf("Terraform could not look up the key named %q. %s", name, apiErrorTail(err)))
		return nil
	}
	if match == nil {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Key not found",
			fmt.Sprintf("No KMS key is named %q (names are compared case-insensitively; keys pending deletion are included). "+
				"Check the name and the provider's site and key_boundary: each host holds its own keys.", name))
		return nil
	}
	key, err := d.data.client.GetKey(ctx, match.KeyTag)
	switch {
	case kmsapi.IsNotFound(err):
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Key not found",
			fmt.Sprintf("Key %s was deleted while it was being read. %s", keyRefOf(*match), apiErrorTail(err)))
		return nil
	case err != nil:
		resp.Diagnostics.AddError("Key read failed", fmt.Sprintf("Key %s could not be read. %s", keyRefOf(*match), apiErrorTail(err)))
		return nil
	}
	return key
}
