package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestKeyResource_rotationNeedsEnabledKey(t *testing.T) {
	model := func(status string, enabled types.Bool, rotation types.Int64) keyResourceModel {
		return keyResourceModel{
			keyModel: keyModel{
				Name:               types.StringValue("k"),
				KeyTag:             types.StringValue("t"),
				Status:             types.StringValue(status),
				Enabled:            enabled,
				RotationPeriodDays: rotation,
			},
		}
	}
	off, on30, on60 := types.Int64Null(), types.Int64Value(30), types.Int64Value(60)
	yes, no := types.BoolValue(true), types.BoolValue(false)
	tests := map[string]struct {
		state, plan keyResourceModel
		wantError   bool
	}{
		"disabled, rotation on, stays disabled":     {model("DISABLE", no, off), model("DISABLE", no, on30), true},
		"disabled, period change, stays disabled":   {model("DISABLE", no, on30), model("DISABLE", no, on60), true},
		"pending deletion, rotation on, disabled":   {model("REVOKE", no, off), model("DISABLE", no, on30), true},
		"disabled, rotation off, stays disabled":    {model("DISABLE", no, on30), model("DISABLE", no, off), false},
		"disabled, rotation on, enabled":            {model("DISABLE", no, off), model("ENABLE", yes, on30), false},
		"disabled, rotation on, enabled unknown":    {model("DISABLE", no, off), model("ENABLE", types.BoolUnknown(), on30), false},
		"disabled, rotation unknown":                {model("DISABLE", no, off), model("DISABLE", no, types.Int64Unknown()), false},
		"enabled, rotation on, disabled":            {model("ENABLE", yes, off), model("DISABLE", no, on30), false},
		"disabled, rotation unchanged, stays off":   {model("DISABLE", no, on30), model("DISABLE", no, on30), false},
		"pending deletion, rotation on, re-enabled": {model("REVOKE", no, off), model("ENABLE", yes, on30), false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			diags := rotationChangeNeedsEnabledKey(tt.state, tt.plan)
			if diags.HasError() != tt.wantError {
				t.Fatalf("error = %v, want %v: %v", diags.HasError(), tt.wantError, diags)
			}
		})
	}
}

func TestKeyResource_replacementCauses(t *testing.T) {
	base := keyResourceModel{
		keyModel: keyModel{
			Type:           types.StringValue("AES256"),
			ProtectionType: types.StringValue("BASIC"),
			Convergent:     types.BoolValue(false),
		},
	}
	tests := map[string]struct {
		change func(*keyResourceModel)
		want   bool
	}{
		"nothing":          {func(*keyResourceModel) {}, false},
		"type":             {func(m *keyResourceModel) { m.Type = types.StringValue("ECDSA") }, true},
		"protection":       {func(m *keyResourceModel) { m.ProtectionType = types.StringValue("COMMON_HSM") }, true},
		"convergent":       {func(m *keyResourceModel) { m.Convergent = types.BoolValue(true) }, true},
		"type unknown":     {func(m *keyResourceModel) { m.Type = types.StringUnknown() }, true},
		"in-place changes": {func(m *keyResourceModel) { m.Name = types.StringValue("other"); m.Memo = types.StringValue("x") }, false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			plan := base
			tt.change(&plan)
			if causes := replacementCauses(base, plan); (len(causes) > 0) != tt.want {
				t.Errorf("replacementCauses = %q, want a replacement: %v", causes, tt.want)
			}
		})
	}
}

func TestKeyResource_plannedStatus(t *testing.T) {
	for enabled, want := range map[types.Bool]types.String{
		types.BoolValue(true):  types.StringValue("ENABLE"),
		types.BoolValue(false): types.StringValue("DISABLE"),
		types.BoolUnknown():    types.StringUnknown(),
	} {
		if got := plannedStatus(enabled); !got.Equal(want) {
			t.Errorf("plannedStatus(%s) = %s, want %s", enabled, got, want)
		}
	}
}
