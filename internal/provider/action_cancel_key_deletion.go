package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/actionvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

var (
	_ action.Action                     = (*cancelKeyDeletionAction)(nil)
	_ action.ActionWithConfigure        = (*cancelKeyDeletionAction)(nil)
	_ action.ActionWithConfigValidators = (*cancelKeyDeletionAction)(nil)
	_ action.ActionWithModifyPlan       = (*cancelKeyDeletionAction)(nil)
)

// newCancelKeyDeletionAction is registered by the provider.
func newCancelKeyDeletionAction() action.Action {
	return &cancelKeyDeletionAction{}
}

// cancelKeyDeletionAction takes a key pending deletion back within the 72 hours: cancel-deletion
// leaves it DISABLE (DESIGN.md §2.16, §3), and enable = true enables it afterwards (§2.6).
type cancelKeyDeletionAction struct {
	keyAction
}

// cancelKeyDeletionModel is the action's configuration.
type cancelKeyDeletionModel struct {
	KeyTag types.String `tfsdk:"key_tag"`
	Name   types.String `tfsdk:"name"`
	Enable types.Bool   `tfsdk:"enable"`
}

// useCancelDeletion words the plan-time read of the key.
var useCancelDeletion = keyUse{doing: "have its deletion cancelled"}

func (a *cancelKeyDeletionAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cancel_key_deletion"
}

func (a *cancelKeyDeletionAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Cancels the deletion of an NCloud KMS key that is pending deletion (`" + kmsapi.StatusRevoke +
			"`), within the 72 hours before NCloud deletes it: the key keeps its tag, versions and data, and comes back " +
			"disabled (`" + kmsapi.StatusDisable + "`), or enabled with `enable = true`. Find the key by `key_tag` or by " +
			"`name` (set exactly one). The plan fails for a key that is absent or not pending deletion, before any call " +
			"that changes anything. The action does not bring the key under Terraform's management: import it for that. " +
			"It never deletes, disables or revokes anything.",
		Attributes: map[string]schema.Attribute{
			"key_tag": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The key tag of the key (64 hexadecimal characters). Set this or `name`.",
				Validators:          []validator.String{keyTagValidator{hint: keyTagHintByName}},
			},
			"name": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The key's name, compared case-insensitively as NCloud does (a key pending deletion " +
					"keeps its name). Set this or `key_tag`.",
				Validators: []validator.String{keyNameValidator{}},
			},
			"enable": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Enable the key once its deletion is cancelled (NCloud leaves it `" + kmsapi.StatusDisable +
					"`). Defaults to `false`.",
			},
		},
	}
}

// ConfigValidators makes "exactly one of key_tag and name" an error before any API call.
func (a *cancelKeyDeletionAction) ConfigValidators(_ context.Context) []action.ConfigValidator {
	return []action.ConfigValidator{
		actionvalidator.ExactlyOneOf(path.MatchRoot("key_tag"), path.MatchRoot("name")),
	}
}

// ModifyPlan refuses, with reads only, a key that is absent or not pending deletion. A key tag or
// name unknown at plan time is checked when the action runs.
func (a *cancelKeyDeletionAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	var config cancelKeyDeletionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || config.KeyTag.IsUnknown() || config.Name.IsUnknown() || a.data == nil {
		return
	}
	lookup := actionKeyLookup{client: a.data.client, atPlan: true, use: useCancelDeletion}
	if key := config.find(ctx, lookup, &resp.Diagnostics); key != nil {
		config.requirePending(&resp.Diagnostics, key)
	}
}

// Invoke finds the key again, cancels its deletion, then enables it when asked.
func (a *cancelKeyDeletionAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var config cancelKeyDeletionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if a.data == nil {
		addProviderNotConfigured(&resp.Diagnostics, "the key's deletion cannot be cancelled")
		return
	}
	lookup := actionKeyLookup{client: a.data.client, use: useCancelDeletion, failure: summaryKeyDeletionCancellationFailed}
	key := config.find(ctx, lookup, &resp.Diagnostics)
	if key == nil || !config.requirePending(&resp.Diagnostics, key) {
		return
	}
	ref := keyRefOf(*key)
	change, err := a.data.client.CancelDeletion(ctx, key.KeyTag)
	if err != nil {
		resp.Diagnostics.AddError(summaryKeyDeletionCancellationFailed, fmt.Sprintf("The deletion of key %s could not be "+
			"cancelled: the key is still pending deletion, and NCloud deletes it at %s unless its deletion is cancelled. %s",
			ref, formatMillis(key.DestroyDate), apiErrorTail(err)))
		return
	}
	status := change.Status
	if config.Enable.ValueBool() {
		enabled, err := a.data.client.EnableKey(ctx, key.KeyTag)
		if err != nil {
			resp.Diagnostics.AddError(summaryKeyEnableFailed, fmt.Sprintf("The deletion of key %s is cancelled: it is no "+
				"longer pending deletion, and its status is %s. Enabling it then failed, so it stays disabled: enable it in "+
				"the console, or import it and set enabled = true. %s", ref, status, apiErrorTail(err)))
			return
		}
		status = enabled.Status
	}
	resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Cancelled the deletion of key %s: its status is "+
		"now %s. This configuration does not manage the key unless you import it (key tag %s).", ref, status, key.KeyTag)})
}

// find reads the key by key_tag, or finds it by name.
func (c cancelKeyDeletionModel) find(ctx context.Context, lookup actionKeyLookup, diags *diag.Diagnostics) *kmsapi.Key {
	if isSetAndKnown(c.KeyTag) {
		return lookup.byTag(ctx, diags, c.KeyTag.ValueString())
	}
	return lookup.byName(ctx, diags, c.Name.ValueString())
}

// requirePending adds an error, on the attribute that names the key, unless the key is pending
// deletion; it reports whether it is.
func (c cancelKeyDeletionModel) requirePending(diags *diag.Diagnostics, key *kmsapi.Key) bool {
	if key.Status == kmsapi.StatusRevoke {
		return true
	}
	attribute := path.Root("name")
	if isSetAndKnown(c.KeyTag) {
		attribute = path.Root("key_tag")
	}
	diags.AddAttributeError(attribute, summaryKeyNotPendingDeletion, fmt.Sprintf("Key %s is %s, not pending deletion (%s), "+
		"so there is no deletion to cancel and nothing is changed. To keep a key that this configuration destroys, set "+
		"its deletion_policy to \"ABANDON\"; or, once a destroy with deletion_policy = \"SCHEDULE\" has made it pending, "+
		"invoke this action on its own (terraform apply -invoke=action.ncloudkms_cancel_key_deletion.<name>).",
		keyRefOf(*key), key.Status, kmsapi.StatusRevoke))
	return false
}
