package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var _ validator.String = credentialValidator{}

// credentialValidator refuses an access_key or secret_key set to the empty string. Unset (null)
// means "look in the environment and ~/.ncloud/configure"; an empty string is more often a
// variable that a pipeline forgot to fill, and quietly falling back to whatever credentials the
// machine holds could act on another account. The message never shows the value.
type credentialValidator struct {
	fallbacks string // where the provider looks when the attribute is unset
}

func (v credentialValidator) Description(_ context.Context) string {
	return "must not be empty; leave it unset to use " + v.fallbacks
}

func (v credentialValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v credentialValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueString() != "" {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Empty NCloud API credential",
		fmt.Sprintf("%s is set to an empty string. Set it to the key, or remove the attribute (or make it null) "+
			"so that the provider looks in %s.", req.Path, v.fallbacks))
}
