package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

var (
	_ datasource.DataSource              = (*keyVersionsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*keyVersionsDataSource)(nil)
)

// newKeyVersionsDataSource is registered by the provider.
func newKeyVersionsDataSource() datasource.DataSource {
	return &keyVersionsDataSource{}
}

// keyVersionsDataSource lists the versions of one key (DESIGN.md §2.12).
type keyVersionsDataSource struct {
	data *providerData
}

type keyVersionsDataSourceModel struct {
	KeyTag         types.String `tfsdk:"key_tag"`
	CurrentVersion types.Int64  `tfsdk:"current_version"`
	Versions       types.List   `tfsdk:"versions"`
}

// keyVersionModel is one element of versions.
type keyVersionModel struct {
	Version         types.Int64  `tfsdk:"version"`
	Enabled         types.Bool   `tfsdk:"enabled"`
	RotatedAt       types.String `tfsdk:"rotated_at"`
	StatusChangedAt types.String `tfsdk:"status_changed_at"`
}

var keyVersionAttrTypes = map[string]attr.Type{
	"version":           types.Int64Type,
	"enabled":           types.BoolType,
	"rotated_at":        types.StringType,
	"status_changed_at": types.StringType,
}

func (d *keyVersionsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_key_versions"
}

func (d *keyVersionsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the versions of an NCloud KMS key: which one is current, and which are enabled. " +
			"Data encrypted under a disabled version cannot be decrypted until the version is enabled again.",
		Attributes: map[string]schema.Attribute{
			"key_tag": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The key tag (64 hexadecimal characters).",
				Validators:          []validator.String{keyTagValidator{}},
			},
			"current_version": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "The version that encrypts new data.",
			},
			"versions": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Every version of the key, in version order.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"version": schema.Int64Attribute{Computed: true, MarkdownDescription: "The version number, from 1."},
						"enabled": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether data encrypted under the version can be decrypted."},
						"rotated_at": schema.StringAttribute{Computed: true,
							MarkdownDescription: "When the version was made (RFC 3339, UTC); for version 1, when the key was created."},
						"status_changed_at": schema.StringAttribute{Computed: true,
							MarkdownDescription: "When the version was last enabled or disabled (RFC 3339, UTC); at first, when it was made."},
					},
				},
			},
		},
	}
}

func (d *keyVersionsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *keyVersionsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var state keyVersionsDataSourceModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	if d.data == nil {
		addProviderNotConfigured(&resp.Diagnostics, "this data source cannot call the API during this plan")
		return
	}
	tag := state.KeyTag.ValueString()
	listed, err := d.data.client.ListVersions(ctx, tag)
	switch {
	case kmsapi.IsNotFound(err):
		resp.Diagnostics.AddAttributeError(path.Root("key_tag"), "Key not found",
			fmt.Sprintf("No KMS key has the key tag %q (it never existed, or it has been deleted). %s", tag, apiErrorTail(err)))
		return
	case err != nil:
		resp.Diagnostics.AddError("Key versions read failed",
			fmt.Sprintf("The versions of the key with key tag %q could not be read. %s", tag, apiErrorTail(err)))
		return
	}
	versions := make([]keyVersionModel, 0, len(listed.Versions))
	for _, v := range listed.Versions {
		versions = append(versions, keyVersionModel{
			Version:         types.Int64Value(v.Version),
			Enabled:         types.BoolValue(v.Status == kmsapi.StatusEnable),
			RotatedAt:       timestampOrNull(v.RotatedDate),
			StatusChangedAt: timestampOrNull(v.StatusDate),
		})
	}
	state.CurrentVersion = types.Int64Value(listed.CurrentVersion)
	list, diags := types.ListValueFrom(ctx, types.ObjectType{AttrTypes: keyVersionAttrTypes}, versions)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	state.Versions = list
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}
