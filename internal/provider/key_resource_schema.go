package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// What destroy does with a key (DESIGN §5); one list feeds the validator and the description.
const (
	deletionPolicyDelete   = "DELETE"
	deletionPolicySchedule = "SCHEDULE"
	deletionPolicyAbandon  = "ABANDON"
)

var deletionPolicies = []string{deletionPolicyDelete, deletionPolicySchedule, deletionPolicyAbandon}

// Defaults shared by the schema, Read (after import) and ImportState.
const (
	defaultProtectionType     = "BASIC"
	defaultDeletionPolicy     = deletionPolicyDelete
	defaultDeletionProtection = false
	defaultRestoreIfPending   = false
	convergentKeyType         = "AES256"
	maxMemoLength             = 100
	minRotationPeriodDays     = 1
	maxRotationPeriodDays     = 730
)

// markdownValueList renders allowed values for a description: `A`, `B` or `C`.
func markdownValueList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "`" + v + "`"
	}
	if len(quoted) == 1 {
		return quoted[0]
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
}

func (r *keyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An NCloud KMS key. Destroying it follows `deletion_policy`; " +
			"see the deletion guide before you destroy a key that has encrypted data.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The key tag (same as `key_tag`).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"key_tag": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The key's unique identifier; stable across renames.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: fmt.Sprintf("Key name: %d–%d characters, the first a letter, then letters, digits, `-` or `_`. "+
					"Unique in the keystore (case-insensitive). Renamed in place.", minKeyNameLength, maxKeyNameLength),
				Validators: []validator.String{keyNameValidator{}},
			},
			"type": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Key type: " + markdownValueList(kmsapi.KeyTypes) + ". Changing it replaces the key.",
				Validators:          []validator.String{stringvalidator.OneOf(kmsapi.KeyTypes...)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"protection_type": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(defaultProtectionType),
				MarkdownDescription: "Where the key is stored: " + markdownValueList(kmsapi.ProtectionTypes) +
					". Defaults to `" + defaultProtectionType + "`. Changing it replaces the key.",
				Validators:    []validator.String{stringvalidator.OneOf(kmsapi.ProtectionTypes...)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"memo": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(""),
				MarkdownDescription: fmt.Sprintf("Free text, at most %d characters. Changed in place.", maxMemoLength),
				Validators:          []validator.String{stringvalidator.UTF8LengthAtMost(maxMemoLength)},
			},
			"convergent": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Convergent encryption (the same context and plaintext always give the same ciphertext). " +
					"Only with `type = \"" + convergentKeyType + "\"`. Defaults to `false`. Changing it replaces the key.",
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"rotation_period_days": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("Automatic rotation period in days (%d–%d). Set turns automatic rotation on; "+
					"unset turns it off. Turning it on or changing the period needs an enabled key.",
					minRotationPeriodDays, maxRotationPeriodDays),
				Validators: []validator.Int64{int64validator.Between(minRotationPeriodDays, maxRotationPeriodDays)},
			},
			"enabled": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
				MarkdownDescription: "Whether the key is usable (`ENABLE`) or not (`DISABLE`). Defaults to `true`.",
			},
			"deletion_policy": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(defaultDeletionPolicy),
				MarkdownDescription: "What destroy (and replacement) does: " + markdownValueList(deletionPolicies) + ". " +
					"`DELETE` requests deletion and then deletes the key at once, irreversibly; " +
					"`SCHEDULE` requests deletion only, and NCloud deletes the key 72 hours later unless it is restored; " +
					"`ABANDON` only removes the key from the state. Defaults to `" + defaultDeletionPolicy + "`. " +
					"Kept in the Terraform state only.",
				Validators: []validator.String{stringvalidator.OneOf(deletionPolicies...)},
			},
			"deletion_protection": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(defaultDeletionProtection),
				MarkdownDescription: "When `true`, destroy and replacement fail at plan time. Defaults to `false`. " +
					"Kept in the Terraform state only.",
			},
			"restore_if_pending": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(defaultRestoreIfPending),
				MarkdownDescription: "On create, adopt a key of the same name that is pending deletion: cancel its deletion " +
					"and bring it to this configuration instead of failing. Defaults to `false`. Kept in the Terraform state only.",
			},
			"status": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "`" + kmsapi.StatusEnable + "`, `" + kmsapi.StatusDisable + "` or `" + kmsapi.StatusRevoke +
					"` (pending deletion). Planned from `enabled`.",
			},
			"current_version": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "The newest key version.",
			},
			"nrn": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The NCloud resource name of the key.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"created_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Creation time (RFC 3339, UTC).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"next_rotation_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Next automatic rotation (RFC 3339, UTC); null while automatic rotation is off.",
			},
			"deletion_scheduled_for": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When NCloud will delete the key (RFC 3339, UTC); set only while the key is pending deletion (`REVOKE`).",
			},
		},
	}
}

// ValidateConfig checks rules that span attributes; each error points at the attribute to change.
func (r *keyResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var config keyResourceModel
	resp.Diagnostics.Append(loadKeyModel(ctx, req.Config.Raw, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	convergent, keyType := config.Convergent, config.Type
	if convergent.IsUnknown() || keyType.IsUnknown() || keyType.IsNull() || !convergent.ValueBool() {
		return
	}
	if keyType.ValueString() != convergentKeyType {
		resp.Diagnostics.AddAttributeError(path.Root("convergent"), "Convergent encryption needs an AES256 key",
			fmt.Sprintf("convergent = true is only allowed with type = %q; this key has type = %q. "+
				"Remove convergent or set it to false.", convergentKeyType, keyType.ValueString()))
	}
}
