package provider

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// keyResourceCodec reads and writes ncloudkms_key plans and states on the hot paths (refresh,
// plan, apply), where the framework's reflection costs more CPU than the rest of the work per key.
var keyResourceCodec = sync.OnceValue(func() *modelCodec[keyResourceModel] {
	ctx := context.Background()
	var resp resource.SchemaResponse
	(&keyResource{}).Schema(ctx, resource.SchemaRequest{}, &resp)
	return newModelCodec[keyResourceModel](ctx, resp.Schema.Type())
})

// loadKeyModel does what State.Get or Plan.Get does with a keyResourceModel.
func loadKeyModel(ctx context.Context, raw tftypes.Value, model *keyResourceModel) diag.Diagnostics {
	return keyResourceCodec().decode(ctx, raw, model)
}

// storeKeyModel does what State.Set or Plan.Set does with a keyResourceModel; raw is the Raw field
// of the response's State or Plan.
func storeKeyModel(ctx context.Context, raw *tftypes.Value, model *keyResourceModel) diag.Diagnostics {
	value, diags := keyResourceCodec().encode(ctx, model)
	if !diags.HasError() {
		*raw = value
	}
	return diags
}
