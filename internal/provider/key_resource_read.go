package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// Read refreshes the key with one GET. A key pending deletion stays in the state as REVOKE so the
// plan can show the update that cancels the deletion; a key that is gone leaves the state.
func (r *keyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state keyResourceModel
	resp.Diagnostics.Append(loadKeyModel(ctx, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Without a configured provider (unknown provider settings) keep the state as it is.
	if r.data == nil || r.data.client == nil {
		return
	}

	tag := state.ID.ValueString()
	if tag == "" {
		tag = state.KeyTag.ValueString()
	}
	key, err := r.data.client.GetKey(ctx, tag)
	if kmsapi.IsNotFound(err) {
		resp.Diagnostics.AddWarning(summaryKeyDeletedOutside,
			fmt.Sprintf("Key %s no longer exists in NCloud KMS, so it was removed from the Terraform state. "+
				"The next apply creates a new key with a new tag; data encrypted under the old key cannot be decrypted with it.",
				keyRef{Name: state.Name.ValueString(), Tag: tag}))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Key read failed", fmt.Sprintf("Key %s could not be read. %s",
			keyRef{Name: state.Name.ValueString(), Tag: tag}, apiErrorTail(err)))
		return
	}

	state.setFromKey(key)
	state.defaultStateOnlyAttributes()
	// Refresh runs before the plan in the same provider process: a tainted key's replacement
	// then knows the key as it is now (key_replacement.go).
	r.data.stateKeys.Observe(replacedKeyOf(state))
	resp.Diagnostics.Append(storeKeyModel(ctx, &resp.State.Raw, &state)...)
}
