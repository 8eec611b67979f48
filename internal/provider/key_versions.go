package provider

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// A key's versions as the resource manages them: rotation_triggers (rotate once, in place) and
// disabled_versions (which versions stay disabled). DESIGN.md §2.8, §2.12–§2.14, §10.

// rotationTriggered reports a change of rotation_triggers that rotates the key: from one set of
// values to another. Setting them for the first time (create, import) only records them.
func rotationTriggered(before, after types.Map) bool {
	return !before.IsNull() && !before.IsUnknown() && !after.IsNull() && (after.IsUnknown() || !after.Equal(before))
}

// versionSet reads a set of version numbers; ok is false while it is null or unknown.
func versionSet(set types.Set) (versions []int64, ok bool) {
	if set.IsNull() || set.IsUnknown() {
		return nil, false
	}
	for _, element := range set.Elements() {
		v, isInt := element.(types.Int64)
		if !isInt || v.IsUnknown() || v.IsNull() {
			return nil, false
		}
		versions = append(versions, v.ValueInt64())
	}
	slices.Sort(versions)
	return versions, true
}

// versionSetValue is the set of versions as the state holds it.
func versionSetValue(versions []int64) types.Set {
	elements := make([]attr.Value, 0, len(versions))
	for _, v := range versions {
		elements = append(elements, types.Int64Value(v))
	}
	return types.SetValueMust(types.Int64Type, elements)
}

// versionsChange reports a plan that enables or disables versions.
func versionsChange(state, plan keyResourceModel) bool {
	return !plan.DisabledVersions.IsNull() && !plan.DisabledVersions.Equal(state.DisabledVersions)
}

// disabledVersionsOf is the set of disabled versions of a version list.
func disabledVersionsOf(listed *kmsapi.KeyVersions) types.Set {
	var disabled []int64
	for _, v := range listed.Versions {
		if v.Status == kmsapi.StatusDisable {
			disabled = append(disabled, v.Version)
		}
	}
	return versionSetValue(disabled)
}

// addVersionDiagnostics checks disabled_versions and rotation_triggers at plan time, and warns
// about every version the plan disables. state is nil for a create.
func addVersionDiagnostics(state *keyResourceModel, plan keyResourceModel, diags *diag.Diagnostics) {
	key := keyRef{Name: plan.Name.ValueString(), Tag: plan.KeyTag.ValueString()}
	staysDisabled := !plan.Enabled.IsUnknown() && !plan.Enabled.ValueBool()
	if state != nil {
		key = keyRef{Name: state.Name.ValueString(), Tag: state.KeyTag.ValueString()}
		staysDisabled = staysDisabled && state.Status.ValueString() != kmsapi.StatusEnable
		if rotationTriggered(state.RotationTriggers, plan.RotationTriggers) && staysDisabled {
			diags.AddAttributeError(path.Root("rotation_triggers"), summaryKeyRotationNeedsEnabledKey,
				fmt.Sprintf("rotation_triggers changed, which rotates key %s, but the key is disabled and the plan keeps "+
					"it disabled; NCloud KMS rotates only an enabled key. Set enabled = true for this apply, or leave "+
					"rotation_triggers unchanged.", key))
		}
	}
	wanted, ok := versionSet(plan.DisabledVersions)
	if !ok {
		return
	}
	var before []int64
	current := int64(1) // a new key has only version 1, its current version
	if state != nil {
		before, _ = versionSet(state.DisabledVersions)
		current = state.CurrentVersion.ValueInt64()
		if rotationTriggered(state.RotationTriggers, plan.RotationTriggers) {
			current++ // the rotation of this apply adds the version that becomes current
		}
		if staysDisabled && !plan.DisabledVersions.Equal(state.DisabledVersions) {
			diags.AddAttributeError(path.Root("disabled_versions"), "Key versions cannot change while the key is disabled",
				fmt.Sprintf("Key %s is disabled and the plan keeps it disabled, but NCloud KMS enables and disables versions "+
					"only of an enabled key. Set enabled = true for this apply, or leave disabled_versions unchanged.", key))
			return
		}
	}
	var newlyDisabled []string
	for _, v := range wanted {
		switch {
		case v < 1 || v > current:
			diags.AddAttributeError(path.Root("disabled_versions"), "Key version does not exist",
				fmt.Sprintf("disabled_versions lists version %d, but key %s has versions 1 to %d.", v, key, current))
		case v == current:
			diags.AddAttributeError(path.Root("disabled_versions"), "Current key version cannot be disabled",
				fmt.Sprintf("disabled_versions lists version %d, the current version of key %s, which encrypts new data "+
					"and cannot be disabled. Rotate the key first (rotation_triggers), then disable the old version.", v, key))
		case !slices.Contains(before, v):
			newlyDisabled = append(newlyDisabled, fmt.Sprint(v))
		}
	}
	if len(newlyDisabled) > 0 && !diags.HasError() {
		diags.AddWarning(summaryKeyVersionWillBeDisabled, versionDisabledDetail(key, newlyDisabled))
	}
}

// versionDisabledDetail explains what disabling versions does.
func versionDisabledDetail(key keyRef, versions []string) string {
	return fmt.Sprintf("This apply disables version %s of key %s. Data encrypted under a disabled version cannot be "+
		"decrypted until the version is enabled again (remove it from disabled_versions and apply); new data is "+
		"encrypted under the current version.", strings.Join(versions, ", "), key)
}
