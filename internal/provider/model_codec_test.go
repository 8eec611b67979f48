package provider

import (
	"context"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func keyResourceSchemaForTest(t *testing.T) resource.SchemaResponse {
	t.Helper()
	var resp resource.SchemaResponse
	(&keyResource{}).Schema(context.Background(), resource.SchemaRequest{}, &resp)
	return resp
}

// codecTestModels covers known, null and unknown values of every attribute type.
func codecTestModels() map[string]keyResourceModel {
	full := keyResourceModel{
		keyModel: keyModel{
			ID: types.StringValue("tag-1"), KeyTag: types.StringValue("tag-1"), Name: types.StringValue("k1"),
			Type: types.StringValue("AES256"), ProtectionType: types.StringValue("BASIC"), Memo: types.StringValue("m"),
			Convergent: types.BoolValue(true), RotationPeriodDays: types.Int64Value(90), Enabled: types.BoolValue(false),
			Status: types.StringValue("REVOKE"), CurrentVersion: types.Int64Value(3), NRN: types.StringValue("nrn:x"),
			CreatedAt:            types.StringValue("2026-01-02T03:04:05Z"),
			NextRotationAt:       types.StringValue("2026-04-02T03:04:05Z"),
			DeletionScheduledFor: types.StringValue("2026-01-05T03:04:05Z"),
		},
		DeletionPolicy: types.StringValue("SCHEDULE"), DeletionProtection: types.BoolValue(true),
		RestoreIfPending: types.BoolValue(false),
	}
	planned := full
	planned.ID, planned.KeyTag, planned.NRN = types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
	planned.Convergent, planned.CurrentVersion = types.BoolUnknown(), types.Int64Unknown()
	planned.RotationPeriodDays, planned.DeletionScheduledFor = types.Int64Null(), types.StringNull()
	planned.DeletionProtection, planned.NextRotationAt = types.BoolNull(), types.StringNull()
	return map[string]keyResourceModel{"zero (all null)": {}, "known": full, "unknown and null": planned}
}

func TestModelCodecEncodesLikeFrameworkSet(t *testing.T) {
	ctx := context.Background()
	schema := keyResourceSchemaForTest(t).Schema
	for name, model := range codecTestModels() {
		t.Run(name, func(t *testing.T) {
			want := tfsdk.State{Schema: schema}
			if diags := want.Set(ctx, &model); diags.HasError() {
				t.Fatalf("framework Set: %v", diags)
			}
			var got tftypes.Value
			if diags := storeKeyModel(ctx, &got, &model); diags.HasError() {
				t.Fatalf("storeKeyModel: %v", diags)
			}
			if !got.Equal(want.Raw) {
				t.Errorf("encoded value differs from the framework's:\n got %s\nwant %s", got, want.Raw)
			}
		})
	}
}

func TestModelCodecDecodesLikeFrameworkGet(t *testing.T) {
	ctx := context.Background()
	schema := keyResourceSchemaForTest(t).Schema
	for name, model := range codecTestModels() {
		t.Run(name, func(t *testing.T) {
			state := tfsdk.State{Schema: schema}
			if diags := state.Set(ctx, &model); diags.HasError() {
				t.Fatalf("framework Set: %v", diags)
			}
			var want, got keyResourceModel
			if diags := state.Get(ctx, &want); diags.HasError() {
				t.Fatalf("framework Get: %v", diags)
			}
			if diags := loadKeyModel(ctx, state.Raw, &got); diags.HasError() {
				t.Fatalf("loadKeyModel: %v", diags)
			}
			if !reflect.DeepEqual(want, got) {
				t.Errorf("decoded model differs from the framework's:\n got %+v\nwant %+v", got, want)
			}
			if !reflect.DeepEqual(model, got) {
				t.Errorf("round trip changed the model:\nbefore %+v\n after %+v", model, got)
			}
		})
	}
}

func TestModelCodecRefusesNullAndUnknownObjects(t *testing.T) {
	ctx := context.Background()
	objectType := keyResourceCodec().objectType
	for name, value := range map[string]tftypes.Value{
		"null":    tftypes.NewValue(objectType, nil),
		"unknown": tftypes.NewValue(objectType, tftypes.UnknownValue),
	} {
		t.Run(name, func(t *testing.T) {
			var model keyResourceModel
			diags := loadKeyModel(ctx, value, &model)
			if !diags.HasError() || diags[0].Summary() != "Value conversion error" {
				t.Fatalf("diagnostics = %v, want one \"Value conversion error\"", diags)
			}
		})
	}
}

func TestModelCodecPanicsWhenModelAndSchemaDisagree(t *testing.T) {
	schemaType := keyResourceSchemaForTest(t).Schema.Type()
	type missingAttribute struct {
		keyModel
		DeletionPolicy types.String `tfsdk:"deletion_policy"`
	}
	type extraField struct {
		keyResourceModel
		Extra types.String `tfsdk:"extra"`
	}
	for name, build := range map[string]func(){
		"a schema attribute without a field": func() { newModelCodec[missingAttribute](context.Background(), schemaType) },
		"a field without a schema attribute": func() { newModelCodec[extraField](context.Background(), schemaType) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("newModelCodec did not panic")
				}
			}()
			build()
		})
	}
}
