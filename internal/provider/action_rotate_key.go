package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

var (
	_ action.Action               = (*rotateKeyAction)(nil)
	_ action.ActionWithConfigure  = (*rotateKeyAction)(nil)
	_ action.ActionWithModifyPlan = (*rotateKeyAction)(nil)
)

// newRotateKeyAction is registered by the provider.
func newRotateKeyAction() action.Action {
	return &rotateKeyAction{}
}

// rotateKeyAction rotates a key now: a new version becomes current (DESIGN.md §2.8, §10).
type rotateKeyAction struct {
	keyAction
}

// rotateKeyModel is the action's configuration.
type rotateKeyModel struct {
	KeyTag types.String `tfsdk:"key_tag"`
}

// useRotation words the plan-time read of the key to rotate.
var useRotation = keyUse{doing: "be rotated"}

func (a *rotateKeyAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_rotate_key"
}

func (a *rotateKeyAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Rotates an NCloud KMS key now: a new key version becomes current and encrypts new data, " +
			"and the earlier versions still decrypt what they encrypted. Only an enabled (`" + kmsapi.StatusEnable + "`) " +
			"key rotates: the plan fails for a key that is disabled, pending deletion or absent, before any call that " +
			"changes anything. The action never deletes, disables or revokes anything.",
		Attributes: map[string]schema.Attribute{
			"key_tag": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The key tag of the key to rotate (64 hexadecimal characters).",
				Validators:          []validator.String{keyTagValidator{hint: keyTagHintReference}},
			},
		},
	}
}

// ModifyPlan refuses, with one read, a key that cannot rotate. A key tag unknown at plan time
// (a key this apply creates) is checked when the action runs.
func (a *rotateKeyAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	var config rotateKeyModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || !isSetAndKnown(config.KeyTag) || a.data == nil {
		return
	}
	lookup := actionKeyLookup{client: a.data.client, atPlan: true, use: useRotation}
	if key := lookup.byTag(ctx, &resp.Diagnostics, config.KeyTag.ValueString()); key != nil {
		requireRotatable(&resp.Diagnostics, key)
	}
}

// Invoke reads the key, then rotates it from the version it read, so that a rotation whose
// answer is lost is recognised instead of repeated (kmsapi.Client.Rotate).
func (a *rotateKeyAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var config rotateKeyModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if a.data == nil {
		addProviderNotConfigured(&resp.Diagnostics, "the key cannot be rotated")
		return
	}
	lookup := actionKeyLookup{client: a.data.client, use: useRotation, failure: summaryKeyRotationFailed}
	key := lookup.byTag(ctx, &resp.Diagnostics, config.KeyTag.ValueString())
	if key == nil || !requireRotatable(&resp.Diagnostics, key) {
		return
	}
	rotation, err := a.data.client.Rotate(ctx, key.KeyTag, key.CurrentVersion)
	if err != nil {
		resp.Diagnostics.AddError(summaryKeyRotationFailed, fmt.Sprintf("Key %s could not be rotated. %s",
			keyRefOf(*key), apiErrorTail(err)))
		return
	}
	resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Rotated key %s: version %d is now current "+
		"(it was version %d). Earlier versions still decrypt what they encrypted.",
		keyRefOf(*key), rotation.Version, key.CurrentVersion)})
}

// requireRotatable adds an error on key_tag unless the key is enabled, the only status NCloud
// rotates; it reports whether the key can rotate.
func requireRotatable(diags *diag.Diagnostics, key *kmsapi.Key) bool {
	var todo string
	switch key.Status {
	case kmsapi.StatusEnable:
		return true
	case kmsapi.StatusRevoke:
		todo = fmt.Sprintf("It is pending deletion, and NCloud deletes it at %s: to keep and rotate it, cancel the "+
			"deletion first (ncloudkms_cancel_key_deletion with enable = true), then rotate it.", formatMillis(key.DestroyDate))
	default:
		todo = "Enable it first (enabled = true on the ncloudkms_key that manages it, or in the console), then rotate it."
	}
	diags.AddAttributeError(path.Root("key_tag"), summaryKeyRotationNeedsEnabledKey, fmt.Sprintf("Key %s is %s, and "+
		"NCloud KMS rotates only an enabled (%s) key, so it is not rotated. %s", keyRefOf(*key), key.Status,
		kmsapi.StatusEnable, todo))
	return false
}
