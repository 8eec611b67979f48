package provider

import (
	"context"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// TestKeyResourceModelAttributes: writeChangedKeyAttributes compares every attribute and block of
// ncloudkms_key's schema, by the path of its model field.
func TestKeyResourceModelAttributes(t *testing.T) {
	var schema resource.SchemaResponse
	newKeyResource().Schema(context.Background(), resource.SchemaRequest{}, &schema)
	var want, got []string
	for name := range schema.Schema.Attributes {
		want = append(want, name)
	}
	for name := range schema.Schema.Blocks {
		want = append(want, name)
	}
	for _, attribute := range keyResourceModelAttributes {
		got = append(got, attribute.path.String())
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("model attributes %v, want the schema's %v", got, want)
	}
}

// TestWriteChangedKeyAttributes: writing the changed attributes over a state that holds before
// leaves exactly what a Set of after writes.
func TestWriteChangedKeyAttributes(t *testing.T) {
	was := wholeModelWrites
	t.Cleanup(func() { wholeModelWrites = was })
	ctx := context.Background()
	var schema resource.SchemaResponse
	newKeyResource().Schema(ctx, resource.SchemaRequest{}, &schema)
	before := withNullExtras(keyResourceModel{})
	before.setFromKey(&kmsapi.Key{KeyTag: "feed01", KeyName: "k1", KeyType: "AES256", ProtectionType: "BASIC",
		Status: kmsapi.StatusEnable, CurrentVersion: 1, RegisterDate: 1700000000000})
	before.defaultStateOnlyAttributes(deletionDefaults{Policy: "DELETE"})

	for name, change := range map[string]func(m *keyResourceModel){
		"nothing":  func(*keyResourceModel) {},
		"memo":     func(m *keyResourceModel) { m.Memo = types.StringValue("changed") },
		"unknown":  func(m *keyResourceModel) { m.Status, m.NextRotationAt = types.StringUnknown(), types.StringUnknown() },
		"null":     func(m *keyResourceModel) { m.NRN, m.CreatedAt = types.StringNull(), types.StringNull() },
		"versions": func(m *keyResourceModel) { m.DisabledVersions = types.SetValueMust(types.Int64Type, nil) },
		"deletion": func(m *keyResourceModel) {
			m.DeletionPolicy, m.DeletionProtection = types.StringValue("SCHEDULE"), types.BoolValue(true)
		},
		"every key attr": func(m *keyResourceModel) {
			m.keyModel = keyModel{}
			m.setFromKey(&kmsapi.Key{KeyTag: "beef02", Status: kmsapi.StatusRevoke})
		},
	} {
		after := before
		change(&after)
		wantState := tfsdk.State{Schema: schema.Schema}
		if diags := wantState.Set(ctx, &after); diags.HasError() {
			t.Fatalf("%s: %v", name, diags)
		}
		for _, whole := range []bool{false, true} { // the workaround on, and switched off
			wholeModelWrites = whole
			gotState := tfsdk.State{Schema: schema.Schema}
			if diags := gotState.Set(ctx, &before); diags.HasError() {
				t.Fatalf("%s: %v", name, diags)
			}
			if diags := writeChangedKeyAttributes(ctx, &gotState, &before, &after); diags.HasError() {
				t.Fatalf("%s: %v", name, diags)
			}
			if !gotState.Raw.Equal(wantState.Raw) {
				t.Errorf("%s (whole model %t): wrote\n%s\nwant\n%s", name, whole, gotState.Raw, wantState.Raw)
			}
		}
	}
}
