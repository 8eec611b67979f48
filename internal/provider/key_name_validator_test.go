package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestKeyNameValidator_rules(t *testing.T) {
	tests := map[string]stringValidatorCase{
		"null":                  {value: types.StringNull()},
		"unknown":               {value: types.StringUnknown()},
		"shortest":              {value: types.StringValue("abc")},
		"longest":               {value: types.StringValue("a23456789012345")},
		"all allowed":           {value: types.StringValue("Key-name_01")},
		"too short":             {value: types.StringValue("ab"), wantError: "must be 3 to 15 characters long"},
		"empty":                 {value: types.StringValue(""), wantError: "must be 3 to 15 characters long"},
		"too long":              {value: types.StringValue("a234567890123456"), wantError: "must be 3 to 15 characters long"},
		"multibyte too long":    {value: types.StringValue(strings.Repeat("é", 16)), wantError: "must be 3 to 15 characters long"},
		"starts with digit":     {value: types.StringValue("1abc"), wantError: "must start with a letter"},
		"starts with dash":      {value: types.StringValue("-abc"), wantError: "must start with a letter"},
		"starts with non-ascii": {value: types.StringValue("ékey"), wantError: "must start with a letter"},
		"space":                 {value: types.StringValue("my key"), wantError: "only letters, digits, '-' and '_' are allowed"},
		"dot":                   {value: types.StringValue("my.key"), wantError: "contains '.'"},
		"non-ascii letter":      {value: types.StringValue("keyé"), wantError: "only letters, digits"},
	}
	runStringValidatorCases(t, keyNameValidator{}, "name", tests)
}

// stringValidatorCase is a value a string validator checks, and a fragment of its error.
type stringValidatorCase struct {
	value     types.String
	wantError string // substring of the detail; "" means valid
}

// runStringValidatorCases runs v on each case, on the attribute named attribute.
func runStringValidatorCases(t *testing.T, v validator.String, attribute string, tests map[string]stringValidatorCase) {
	t.Helper()
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			req := validator.StringRequest{Path: path.Root(attribute), ConfigValue: tt.value}
			resp := &validator.StringResponse{}
			v.ValidateString(context.Background(), req, resp)
			if tt.wantError == "" {
				if resp.Diagnostics.HasError() {
					t.Fatalf("unexpected error: %v", resp.Diagnostics)
				}
				return
			}
			if resp.Diagnostics.ErrorsCount() != 1 {
				t.Fatalf("want one error containing %q, got %v", tt.wantError, resp.Diagnostics)
			}
			if detail := resp.Diagnostics.Errors()[0].Detail(); !strings.Contains(detail, tt.wantError) {
				t.Errorf("detail %q does not contain %q", detail, tt.wantError)
			}
		})
	}
}
