package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

func TestKeyModel_fromKey(t *testing.T) {
	const registered, nextRotation, destroy = 1700000000000, 1707776000000, 1700259200000
	tests := map[string]struct {
		key  kmsapi.Key
		want keyResourceModel
	}{
		"enabled, rotation off": {
			key: kmsapi.Key{KeyTag: "tag1", KeyName: "k1", KeyType: "AES256", Status: kmsapi.StatusEnable, CurrentVersion: 1,
				ProtectionType: "BASIC", NRN: "nrn:PUB:KMS::1:Key/2", RegisterDate: registered, RotationPeriod: 90, NextRotationDate: nextRotation},
			want: keyResourceModel{
				keyModel: keyModel{
					Enabled:              types.BoolValue(true),
					Status:               types.StringValue("ENABLE"),
					RotationPeriodDays:   types.Int64Null(),
					NextRotationAt:       types.StringNull(),
					DeletionScheduledFor: types.StringNull(),
					CreatedAt:            types.StringValue("2023-11-14T22:13:20Z"),
				},
			},
		},
		"disabled, rotation on": {
			key: kmsapi.Key{KeyTag: "tag2", Status: kmsapi.StatusDisable, IsAutoRotation: true, RotationPeriod: 30,
				NextRotationDate: nextRotation, RegisterDate: registered},
			want: keyResourceModel{
				keyModel: keyModel{
					Enabled:              types.BoolValue(false),
					Status:               types.StringValue("DISABLE"),
					RotationPeriodDays:   types.Int64Value(30),
					NextRotationAt:       types.StringValue("2024-02-12T22:13:20Z"),
					DeletionScheduledFor: types.StringNull(),
					CreatedAt:            types.StringValue("2023-11-14T22:13:20Z"),
				},
			},
		},
		"pending deletion": {
			key: kmsapi.Key{KeyTag: "tag3", Status: kmsapi.StatusRevoke, DestroyDate: destroy, RegisterDate: registered},
			want: keyResourceModel{
				keyModel: keyModel{
					Enabled:              types.BoolValue(false),
					Status:               types.StringValue("REVOKE"),
					RotationPeriodDays:   types.Int64Null(),
					NextRotationAt:       types.StringNull(),
					DeletionScheduledFor: types.StringValue("2023-11-17T22:13:20Z"),
					CreatedAt:            types.StringValue("2023-11-14T22:13:20Z"),
				},
			},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var got keyResourceModel
			got.DeletionPolicy = types.StringValue("SCHEDULE")
			got.setFromKey(&tt.key)

			if !got.ID.Equal(types.StringValue(tt.key.KeyTag)) || !got.KeyTag.Equal(got.ID) {
				t.Errorf("id %s, key_tag %s, want %s", got.ID, got.KeyTag, tt.key.KeyTag)
			}
			for attribute, pair := range map[string][2]interface{ String() string }{
				"enabled":                {got.Enabled, tt.want.Enabled},
				"status":                 {got.Status, tt.want.Status},
				"rotation_period_days":   {got.RotationPeriodDays, tt.want.RotationPeriodDays},
				"next_rotation_at":       {got.NextRotationAt, tt.want.NextRotationAt},
				"deletion_scheduled_for": {got.DeletionScheduledFor, tt.want.DeletionScheduledFor},
				"created_at":             {got.CreatedAt, tt.want.CreatedAt},
			} {
				if pair[0].String() != pair[1].String() {
					t.Errorf("%s = %s, want %s", attribute, pair[0], pair[1])
				}
			}
			if got.DeletionPolicy.ValueString() != "SCHEDULE" {
				t.Errorf("setFromKey changed the state-only deletion_policy to %s", got.DeletionPolicy)
			}
		})
	}
}

func TestKeyModel_defaultsAfterImport(t *testing.T) {
	m := keyResourceModel{
		DeletionPolicy: types.StringNull(), DeletionProtection: types.BoolNull(), RestoreIfPending: types.BoolNull(),
	}
	m.defaultStateOnlyAttributes(builtInDeletionDefaults)
	if m.DeletionPolicy.ValueString() != "DELETE" || m.DeletionProtection.ValueBool() || m.RestoreIfPending.ValueBool() ||
		m.DeletionProtection.IsNull() || m.RestoreIfPending.IsNull() {
		t.Errorf("defaults: %s %s %s", m.DeletionPolicy, m.DeletionProtection, m.RestoreIfPending)
	}

	// The provider's deletion defaults, where it sets them.
	underProviderDefaults := keyResourceModel{
		DeletionPolicy: types.StringNull(), DeletionProtection: types.BoolNull(), RestoreIfPending: types.BoolNull(),
	}
	underProviderDefaults.defaultStateOnlyAttributes(deletionDefaults{Policy: "SCHEDULE", Protection: true})
	if underProviderDefaults.DeletionPolicy.ValueString() != "SCHEDULE" || !underProviderDefaults.DeletionProtection.ValueBool() {
		t.Errorf("provider defaults: %s %s", underProviderDefaults.DeletionPolicy, underProviderDefaults.DeletionProtection)
	}

	kept := keyResourceModel{
		DeletionPolicy: types.StringValue("ABANDON"), DeletionProtection: types.BoolValue(true), RestoreIfPending: types.BoolValue(true),
	}
	kept.defaultStateOnlyAttributes(deletionDefaults{Policy: "SCHEDULE", Protection: false})
	if kept.DeletionPolicy.ValueString() != "ABANDON" || !kept.DeletionProtection.ValueBool() || !kept.RestoreIfPending.ValueBool() {
		t.Errorf("set values were overwritten: %s %s %s", kept.DeletionPolicy, kept.DeletionProtection, kept.RestoreIfPending)
	}
}
