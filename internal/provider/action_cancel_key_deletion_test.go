package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// The action ncloudkms_cancel_key_deletion: through -invoke after a SCHEDULE destroy and through
// action_trigger, its plan-time refusals, and its configuration errors.

const cancelUndo = "action.ncloudkms_cancel_key_deletion.undo"

func undoBlock(config string) string {
	return actionBlock("ncloudkms_cancel_key_deletion", "undo", config)
}

// cancelledProgress is the progress message of a cancellation that left the key in status.
func cancelledProgress(name, tag, status string) string {
	return fmt.Sprintf(`Cancelled the deletion of key %q (key tag %s): its status is now %s. This configuration does `+
		"not manage the key unless you import it (key tag %s).", name, tag, status, tag)
}

// TestAccCancelKeyDeletionAction_afterScheduledDestroy: after terraform destroy of a key with
// deletion_policy = "SCHEDULE", apply -invoke takes it back by tag: one cancel-deletion call, and
// NCloud leaves it DISABLE. The key's resource is not created again.
func TestAccCancelKeyDeletionAction_afterScheduledDestroy(t *testing.T) {
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SkipWithout(featureActions)
	tag := cliApplyKey(t, wd, m, testAccKeyConfig(m, "kept", `  deletion_policy = "SCHEDULE"`))
	wd.Destroy().RequireSuccess(t)
	cliRequireMockStatus(t, m, tag, kmsapi.StatusRevoke)
	wd.SetConfig(testAccKeyConfig(m, "kept", `  deletion_policy = "SCHEDULE"`) + undoBlock(fmt.Sprintf("    key_tag = %q", tag)))
	m.ResetJournal()

	res := wd.Invoke("apply", cancelUndo)
	res.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, res)
	requireCLIJournal(t, m, cliCall("GET", tag), cliCall("GET", tag), cliCall("POST", tag, "cancel-deletion"))
	requireActionProgress(t, res, cancelledProgress("kept", tag, kmsapi.StatusDisable))
	key := cliRequireMockStatus(t, m, tag, kmsapi.StatusDisable)
	if key.DestroyDate != 0 {
		t.Fatalf("the key keeps a deletion date after the cancellation: %+v", key)
	}
	if len(m.Keys()) != 1 {
		t.Fatalf("the invoke created a key: mock %+v", m.Keys())
	}
	wd.CheckState(t, tfcli.ExpectNoResource(testAccKeyAddress))
}

// TestAccCancelKeyDeletionAction_byNameAndEnable: found by name (a listing, case-insensitive), the
// key's deletion is cancelled and the key enabled, in that order.
func TestAccCancelKeyDeletionAction_byNameAndEnable(t *testing.T) {
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SkipWithout(featureActions)
	key := testAccPendingMockKey(t, m, "Payments")
	wd.SetConfig(testAccProviderConfig(m) + undoBlock("    name   = \"payments\"\n    enable = true"))
	m.ResetJournal()

	res := wd.Invoke("apply", cancelUndo)
	res.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, res)
	requireCLIJournal(t, m, "GET /keys", "GET /keys", cliCall("POST", key.KeyTag, "cancel-deletion"),
		cliCall("POST", key.KeyTag, "enable"))
	requireActionProgress(t, res, cancelledProgress("Payments", key.KeyTag, kmsapi.StatusEnable))
	cliRequireMockStatus(t, m, key.KeyTag, kmsapi.StatusEnable)
}

// TestAccCancelKeyDeletionAction_planRefusals: plan -invoke and apply -invoke refuse a key that is
// not pending deletion or does not exist, on the attribute that names it, with reads only; a
// configuration that names no key, or names it twice, or wrongly, is refused before any call.
func TestAccCancelKeyDeletionAction_planRefusals(t *testing.T) {
	const absentTag = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
	for _, tc := range []struct {
		name    string
		config  func(key kmsmock.Key) string
		summary string
		detail  func(key kmsmock.Key) []string
		calls   func(key kmsmock.Key) []string
	}{
		{
			name:    "enabledByTag",
			config:  func(key kmsmock.Key) string { return fmt.Sprintf("    key_tag = %q", key.KeyTag) },
			summary: summaryKeyNotPendingDeletion,
			detail: func(key kmsmock.Key) []string {
				return []string{fmt.Sprintf(`Key "in-use" (key tag %s) is ENABLE, not pending deletion (REVOKE)`, key.KeyTag),
					"nothing is changed", `deletion_policy to "ABANDON"`}
			},
			calls: func(key kmsmock.Key) []string { return []string{cliCall("GET", key.KeyTag)} },
		},
		{
			name:    "enabledByName",
			config:  func(kmsmock.Key) string { return `    name = "in-use"` },
			summary: summaryKeyNotPendingDeletion,
			detail: func(key kmsmock.Key) []string {
				return []string{fmt.Sprintf(`Key "in-use" (key tag %s) is ENABLE`, key.KeyTag)}
			},
			calls: func(kmsmock.Key) []string { return []string{"GET /keys"} },
		},
		{
			name:    "absentTag",
			config:  func(kmsmock.Key) string { return fmt.Sprintf("    key_tag = %q", absentTag) },
			summary: summaryKeyNotFound,
			detail: func(kmsmock.Key) []string {
				return []string{"to check that it can have its deletion cancelled", "code NOT_FOUND"}
			},
			calls: func(kmsmock.Key) []string { return []string{cliCall("GET", absentTag)} },
		},
		{
			name:    "absentName",
			config:  func(kmsmock.Key) string { return `    name = "no-such-key"` },
			summary: summaryKeyNotFound,
			detail: func(kmsmock.Key) []string {
				return []string{`No KMS key is named "no-such-key"`, "keys pending deletion are included"}
			},
			calls: func(kmsmock.Key) []string { return []string{"GET /keys"} },
		},
		{
			name: "tagAndName",
			config: func(key kmsmock.Key) string {
				return fmt.Sprintf("    key_tag = %q\n    name    = \"in-use\"", key.KeyTag)
			},
			summary: "Invalid Attribute Combination",
			detail:  func(kmsmock.Key) []string { return []string{"key_tag", "name"} },
			calls:   func(kmsmock.Key) []string { return nil },
		},
		{
			name:    "neither",
			config:  func(kmsmock.Key) string { return "    enable = true" },
			summary: "Missing Attribute Configuration",
			detail:  func(kmsmock.Key) []string { return []string{"key_tag", "name"} },
			calls:   func(kmsmock.Key) []string { return nil },
		},
		{
			name:    "malformedName",
			config:  func(kmsmock.Key) string { return `    name = "9lives"` },
			summary: "Invalid key name",
			detail:  func(kmsmock.Key) []string { return []string{`Key name "9lives" must start with a letter`} },
			calls:   func(kmsmock.Key) []string { return nil },
		},
		{
			name:    "malformedTag",
			config:  func(kmsmock.Key) string { return `    key_tag = "kept"` },
			summary: "Invalid key tag",
			detail:  func(kmsmock.Key) []string { return []string{`key_tag = "kept" is not a key tag`, "set name instead"} },
			calls:   func(kmsmock.Key) []string { return nil },
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := testAccMock(t)
			wd := newTFWorkdir(t)
			wd.SkipWithout(featureActions)
			key := testAccMockKey(t, m, kmsmock.KeySpec{Name: "in-use"})
			wd.SetConfig(testAccProviderConfig(m) + undoBlock(tc.config(key)))
			requireInvokeRefused(t, wd, m, cancelUndo, tc.summary, tc.detail(key), tc.calls(key))
			requireNothingChanged(t, m, key)
		})
	}
}

// TestAccCancelKeyDeletionAction_afterDestroy: an after_destroy trigger (Terraform 1.16) takes back
// a key pending deletion by name when the triggering resource is destroyed.
func TestAccCancelKeyDeletionAction_afterDestroy(t *testing.T) {
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SkipWithout(featureActionDestroyEvents)
	key := testAccPendingMockKey(t, m, "archive")
	wd.SetConfig(testAccProviderConfig(m) + triggeringData("retention", "v1", "after_destroy", cancelUndo) +
		undoBlock(`    name = "archive"`))
	wd.Apply().RequireSuccess(t)
	requireCLIJournal(t, m)

	res := wd.Destroy()
	res.RequireSuccess(t)
	tfcli.RequireDiagnostics(t, res)
	requireCLIJournal(t, m, "GET /keys", "GET /keys", cliCall("POST", key.KeyTag, "cancel-deletion"))
	requireActionProgress(t, res, cancelledProgress("archive", key.KeyTag, kmsapi.StatusDisable))
	cliRequireMockStatus(t, m, key.KeyTag, kmsapi.StatusDisable)
}

// TestAccCancelKeyDeletionAction_afterDestroyOfItsOwnKey: an after_destroy trigger on the key it
// would take back is refused when the destroy is planned, since the key is not pending deletion
// yet; the error points at deletion_policy = "ABANDON", and nothing is destroyed.
func TestAccCancelKeyDeletionAction_afterDestroyOfItsOwnKey(t *testing.T) {
	m := testAccMock(t)
	wd := newTFWorkdir(t)
	wd.SkipWithout(featureActionDestroyEvents)
	tag := cliApplyKey(t, wd, m, testAccKeyConfig(m, "self", `  deletion_policy = "SCHEDULE"
  lifecycle {
    action_trigger {
      events  = [after_destroy]
      actions = [action.ncloudkms_cancel_key_deletion.undo]
    }
  }`)+undoBlock(`    name = "self"`))

	res := wd.Destroy()
	res.RequireFailure(t)
	tfcli.RequireDiagnostics(t, res, tfcli.Warning(summaryKeyWillBeScheduled, testAccKeyAddress),
		tfcli.Error(summaryKeyNotPendingDeletion, testAccKeyAddress+", called from "+cancelUndo))
	tfcli.RequireDetail(t, res, "error", summaryKeyNotPendingDeletion, `Key "self" (key tag `+tag+`) is ENABLE`,
		`deletion_policy to "ABANDON"`, "terraform apply -invoke=action.ncloudkms_cancel_key_deletion.<name>")
	requireNoMutatingCalls(t, m)
	cliRequireMockStatus(t, m, tag, kmsapi.StatusEnable)
}

// TestCancelKeyDeletionAction_requirePending: only a REVOKE key passes; the error is on the
// attribute that names the key in the configuration.
func TestCancelKeyDeletionAction_requirePending(t *testing.T) {
	tag := strings.Repeat("b", 64)
	byTag := cancelKeyDeletionModel{KeyTag: types.StringValue(tag), Name: types.StringNull()}
	byName := cancelKeyDeletionModel{KeyTag: types.StringNull(), Name: types.StringValue("k1")}
	for _, tc := range []struct {
		config    cancelKeyDeletionModel
		status    string
		attribute string // "" when the key passes
	}{
		{byTag, kmsapi.StatusRevoke, ""},
		{byName, kmsapi.StatusRevoke, ""},
		{byTag, kmsapi.StatusDisable, "key_tag"},
		{byName, kmsapi.StatusEnable, "name"},
	} {
		var diags diag.Diagnostics
		ok := tc.config.requirePending(&diags, &kmsapi.Key{KeyTag: tag, KeyName: "k1", Status: tc.status})
		if ok != (tc.attribute == "") {
			t.Errorf("%s by %s: requirePending = %v", tc.status, tc.attribute, ok)
		}
		if tc.attribute == "" {
			if len(diags) != 0 {
				t.Errorf("%s: unexpected diagnostics %v", tc.status, diags)
			}
			continue
		}
		withPath, isAttribute := diags[0].(diag.DiagnosticWithPath)
		if len(diags) != 1 || !isAttribute || !withPath.Path().Equal(path.Root(tc.attribute)) ||
			diags[0].Summary() != summaryKeyNotPendingDeletion || !strings.Contains(diags[0].Detail(), "is "+tc.status+", not pending deletion") {
			t.Errorf("%s by %s: diagnostics %v", tc.status, tc.attribute, diags)
		}
	}
}
