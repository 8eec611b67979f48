package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var _ validator.String = keyTagValidator{}

// keyTagValidator accepts what import accepts as a key tag (keyTagPattern), so that a typo is a
// plan-time error on the attribute instead of a lookup that the API answers with 404. hint ends
// the message with where a correct value comes from.
type keyTagValidator struct{ hint string }

// Hints of keyTagValidator.
const (
	keyTagHintByName    = "To find a key by its name, set name instead."
	keyTagHintReference = "Take it from the key's resource or data source, such as ncloudkms_key.<name>.key_tag."
)

func (keyTagValidator) Description(_ context.Context) string {
	return "must be a key tag: 64 hexadecimal characters"
}

func (v keyTagValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v keyTagValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || keyTagPattern.MatchString(req.ConfigValue.ValueString()) {
		return
	}
	tag := req.ConfigValue.ValueString()
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid key tag",
		fmt.Sprintf("%s = %q is not a key tag, which is 64 hexadecimal characters (0-9, a-f); this value has %d "+
			"characters. %s", req.Path, truncateForMessage(tag, 80), len([]rune(tag)), v.hint))
}

// truncateForMessage shortens a user value quoted in a message.
func truncateForMessage(s string, limit int) string {
	runes := []rune(s)
	if len(runes) <= limit {
		return s
	}
	return string(runes[:limit]) + "…"
}
