package provider

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Key name rules of Create Key and Update Key Name (DESIGN.md §2).
const (
	minKeyNameLength = 3
	maxKeyNameLength = 15
)

var _ validator.String = keyNameValidator{}

// keyNameValidator checks a key name the way the API does, with one message per rule so the
// user learns exactly which rule the name breaks.
type keyNameValidator struct{}

func (keyNameValidator) Description(_ context.Context) string {
	return fmt.Sprintf("must be %d to %d characters long, start with a letter, and contain only letters, digits, '-' and '_'",
		minKeyNameLength, maxKeyNameLength)
}

func (v keyNameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (keyNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := keyNameProblem(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid key name", problem)
	}
}

// keyNameProblem explains why name is not a valid key name, or returns "" when it is.
func keyNameProblem(name string) string {
	length := utf8.RuneCountInString(name)
	if length < minKeyNameLength || length > maxKeyNameLength {
		return fmt.Sprintf("Key name %q is %d characters long; it must be %d to %d characters long.",
			name, length, minKeyNameLength, maxKeyNameLength)
	}
	if !isASCIILetter(rune(name[0])) {
		return fmt.Sprintf("Key name %q must start with a letter (A-Z or a-z).", name)
	}
	for _, c := range name {
		if !isASCIILetter(c) && !(c >= '0' && c <= '9') && c != '-' && c != '_' {
			return fmt.Sprintf("Key name %q contains %q; only letters, digits, '-' and '_' are allowed.", name, c)
		}
	}
	return ""
}

func isASCIILetter(c rune) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}
