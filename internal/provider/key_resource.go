package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

var (
	_ resource.Resource                   = (*keyResource)(nil)
	_ resource.ResourceWithConfigure      = (*keyResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*keyResource)(nil)
	_ resource.ResourceWithImportState    = (*keyResource)(nil)
	_ resource.ResourceWithValidateConfig = (*keyResource)(nil)
)

// keyResourceTypeName is the resource's type name in configurations.
const keyResourceTypeName = "ncloudkms_key"

// NewKeyResource is registered by the provider.
func NewKeyResource() resource.Resource {
	return &keyResource{}
}

// keyResource manages one NCloud KMS key. data stays nil until the provider is configured,
// and while it is nil the resource makes no API call.
type keyResource struct {
	data *providerData
}

// keyResourceModel is the state and plan of ncloudkms_key: what the API knows about the key,
// plus the settings that live in the Terraform state only.
type keyResourceModel struct {
	keyModel
	DeletionPolicy     types.String `tfsdk:"deletion_policy"`
	DeletionProtection types.Bool   `tfsdk:"deletion_protection"`
	RestoreIfPending   types.Bool   `tfsdk:"restore_if_pending"`
}

func (r *keyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_key"
}

func (r *keyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	// ProviderData is nil during validation and while the provider configuration is unknown.
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", req.ProviderData))
		return
	}
	r.data = data
}

// requireClient returns the API client, or adds an error when the provider has no configuration
// yet (its values were unknown at plan time, so no call could be made).
func (r *keyResource) requireClient(diags *diag.Diagnostics) *kmsapi.Client {
	if r.data == nil || r.data.client == nil {
		diags.AddError("Provider not configured",
			"The ncloudkms provider has no configuration yet, so no KMS call can be made. "+
				"This happens when provider settings depend on values known only after apply; apply those first.")
		return nil
	}
	return r.data.client
}

// saveStateAfterFailure records the key as far as it got, then reports the failed step. Saving
// first keeps a half-finished key in the state (Terraform marks a failed create tainted), so it is
// never orphaned.
func saveStateAfterFailure(ctx context.Context, state keyResourceModel, target *tfsdk.State,
	diags *diag.Diagnostics, summary, what string, err error) {
	diags.Append(storeKeyModel(ctx, &target.Raw, &state)...)
	diags.AddError(summary, what+" "+apiErrorTail(err))
}
