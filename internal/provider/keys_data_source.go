package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

var (
	_ datasource.DataSource              = (*keysDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*keysDataSource)(nil)
)

// newKeysDataSource is registered by the provider.
func newKeysDataSource() datasource.DataSource {
	return &keysDataSource{}
}

// keysDataSource lists every key of the account (all pages), optionally filtered.
type keysDataSource struct {
	data *providerData
}

type keysDataSourceModel struct {
	keyFilterModel
	Keys types.List `tfsdk:"keys"`
	IDs  types.List `tfsdk:"ids"`
}

// keySummaryModel is one element of keys: the fields the list call returns.
type keySummaryModel struct {
	KeyTag               types.String `tfsdk:"key_tag"`
	Name                 types.String `tfsdk:"name"`
	Type                 types.String `tfsdk:"type"`
	Status               types.String `tfsdk:"status"`
	ProtectionType       types.String `tfsdk:"protection_type"`
	Convergent           types.Bool   `tfsdk:"convergent"`
	CreatedAt            types.String `tfsdk:"created_at"`
	DeletionScheduledFor types.String `tfsdk:"deletion_scheduled_for"`
}

var keySummaryAttrTypes = map[string]attr.Type{
	"key_tag":                types.StringType,
	"name":                   types.StringType,
	"type":                   types.StringType,
	"status":                 types.StringType,
	"protection_type":        types.StringType,
	"convergent":             types.BoolType,
	"created_at":             types.StringType,
	"deletion_scheduled_for": types.StringType,
}

func (d *keysDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_keys"
}

func (d *keysDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computedString := func(description string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: description}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the NCloud KMS keys of the account on the provider's host (all pages), " +
			"in the order NCloud returns them, optionally filtered. Keys pending deletion are included unless filtered out.",
		Attributes: map[string]schema.Attribute{
			"keys": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The matching keys.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"key_tag":         computedString("The key tag."),
						"name":            computedString("The key name."),
						"type":            computedString("Key type."),
						"status":          computedString(markdownValueList(kmsapi.KeyStatuses) + " (`" + kmsapi.StatusRevoke + "` means pending deletion)."),
						"protection_type": computedString("Where the key is stored."),
						"convergent": schema.BoolAttribute{
							Computed:            true,
							MarkdownDescription: "Whether the key uses convergent encryption.",
						},
						"created_at":             computedString("Creation time (RFC 3339, UTC)."),
						"deletion_scheduled_for": computedString("When NCloud will delete the key (RFC 3339, UTC); set only while pending deletion."),
					},
				},
			},
			"ids": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "The key tags of the matching keys, in the same order as `keys`.",
			},
		},
	}
	for name, filter := range keyFilterAttributes {
		resp.Schema.Attributes[name] = schema.StringAttribute{Optional: true, MarkdownDescription: filter.description,
			Validators: []validator.String{filter.validator}}
	}
}

func (d *keysDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *keysDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var state keysDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.data == nil {
		addProviderNotConfigured(&resp.Diagnostics, "this data source cannot call the API during this plan")
		return
	}
	filter, err := state.compile()
	if err != nil {
		resp.Diagnostics.AddError("Invalid name_regex", err.Error()) // the validator normally catches this first
		return
	}

	keys, err := d.data.client.ListKeys(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Key listing failed", fmt.Sprintf("Terraform could not list the keys of this account. %s", apiErrorTail(err)))
		return
	}

	summaries := []keySummaryModel{}
	tags := []string{}
	for _, key := range keys {
		if !filter.matches(key) {
			continue
		}
		summaries = append(summaries, keySummaryFrom(key))
		tags = append(tags, key.KeyTag)
	}

	var diags diag.Diagnostics
	state.Keys, diags = types.ListValueFrom(ctx, types.ObjectType{AttrTypes: keySummaryAttrTypes}, summaries)
	resp.Diagnostics.Append(diags...)
	state.IDs, diags = types.ListValueFrom(ctx, types.StringType, tags)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// keySummaryFrom maps a list item; the list has no memo, rotation or version fields.
func keySummaryFrom(key kmsapi.Key) keySummaryModel {
	summary := keySummaryModel{
		KeyTag:               types.StringValue(key.KeyTag),
		Name:                 types.StringValue(key.KeyName),
		Type:                 types.StringValue(key.KeyType),
		Status:               types.StringValue(key.Status),
		ProtectionType:       types.StringValue(key.ProtectionType),
		Convergent:           types.BoolValue(key.IsConvergent),
		CreatedAt:            timestampOrNull(key.RegisterDate),
		DeletionScheduledFor: types.StringNull(),
	}
	if key.Status == kmsapi.StatusRevoke {
		summary.DeletionScheduledFor = timestampOrNull(key.DestroyDate)
	}
	return summary
}

// nameRegexValidator rejects, at plan time, a pattern that Go's regexp package cannot compile.
type nameRegexValidator struct{}

var _ validator.String = nameRegexValidator{}

func (nameRegexValidator) Description(_ context.Context) string {
	return "must be a valid Go (RE2) regular expression"
}

func (v nameRegexValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (nameRegexValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid regular expression",
			fmt.Sprintf("%s = %q is not a valid Go (RE2) regular expression: %v", req.Path, req.ConfigValue.ValueString(), err))
	}
}
