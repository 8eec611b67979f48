package provider

import (
	"fmt"
	"strings"
	"time"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// Diagnostic summaries of ncloudkms_key. They are documented verbatim so that pipelines can
// gate on them in `terraform plan -json`: never reword them.
const (
	summaryKeyWillBeDeleted               = "Key will be deleted permanently"
	summaryKeyWillBeScheduled             = "Key will be scheduled for deletion"
	summaryKeyWillBeAbandoned             = "Key will be abandoned"
	summaryKeyDeletionProtected           = "Key deletion blocked by deletion_protection"
	summaryPendingKeyWillBeRestored       = "Key pending deletion will be restored"
	summaryKeyNameInUse                   = "Key name already in use"
	summaryKeyNameHeldByPending           = "Key name held by a key pending deletion"
	summaryPendingKeyWillBeAdopted        = "Key pending deletion will be adopted"
	summaryPendingKeyCannotBeAdopted      = "Key pending deletion cannot be adopted"
	summaryKeyDeletedOutside              = "Key deleted outside Terraform"
	summaryKeyReplacementOnRequestRefused = "Key replacement on request refused"
	summaryKeyUsedRecently                = "Key was used recently"
	summaryKeyVersionWillBeDisabled       = "Key version will be disabled"
	summaryKeyLastUseUnreadable           = "Key last use could not be read"
	summaryKeyRotationNeedsEnabledKey     = "Key rotation needs an enabled key"
)

// Summaries of apply-time failures of Delete and of the plan-time name check.
const (
	summaryKeyDeletionRequestFailed = "Key deletion request failed"
	summaryKeyFinalDeleteRefused    = "Key final delete refused"
	summaryKeyNameCheckFailed       = "Key name check failed"
	summaryKeyRemovalNotAnnounced   = "Key removal was not announced by the plan"
	summaryReplacedKeyHoldsName     = "Key name still held by the replaced key"
)

// removedBlockHowTo is the removed block that makes Terraform forget a resource without destroying it.
const removedBlockHowTo = "  removed {\n    from = <address>   # the resource address this error is attached to\n" +
	"    lifecycle {\n      destroy = false\n    }\n  }"

// deletionDelay is how long NCloud keeps a key pending deletion before deleting it.
const deletionDelay = 72 * time.Hour

// summaryFinalDeleteFailed is the one summary that carries a date: a reader of the summary
// alone must learn that the key is already condemned, and by when.
func summaryFinalDeleteFailed(destroyAt string) string {
	return fmt.Sprintf("Key deletion was requested but the final delete failed: "+
		"the key will be gone automatically at %s unless cancelled", destroyAt)
}

// Why Terraform replaces a key when the configuration does not force it (removal.ForcedBy).
const (
	forcedByRequest = "Terraform was asked to replace it (-replace on the command line, or a reference in its " +
		"lifecycle replace_triggered_by that changed)"
	forcedByTaint = "the resource is tainted (by terraform taint, or by a create that stopped part-way), so Terraform replaces it"
)

// removal describes what a destroy or a replacement does to the key currently in state.
type removal struct {
	Key keyRef
	// Causes lists the configuration changes that force a replacement, e.g.
	// `type changes from "AES256" to "RSA2048"`.
	Causes []string
	// ForcedBy says why Terraform replaces the key when the configuration does not force it:
	// forcedByRequest or forcedByTaint.
	ForcedBy string
	// PendingUntil is the state's deletion_scheduled_for when the key is already REVOKE.
	PendingUntil string
	// NewPolicy is the planned deletion_policy on a replacement when it differs from the one
	// in state: it governs the new key only, which is worth saying.
	NewPolicy string
	// LastUse is the line about the key's last use that ends a deletion's detail (key_last_use.go).
	LastUse string
	// KeepsName: the new key of a replacement has the current key's name.
	KeepsName bool
}

func (rm removal) lastUseNote() string {
	if rm.LastUse == "" {
		return ""
	}
	return "\n\n" + rm.LastUse
}

func (rm removal) isReplacement() bool { return len(rm.Causes) > 0 || rm.ForcedBy != "" }

// replacementWhy says what replaces the key: the configuration changes, or Terraform itself.
func (rm removal) replacementWhy() string {
	if rm.ForcedBy != "" {
		return rm.ForcedBy
	}
	return strings.Join(rm.Causes, " and ")
}

func (rm removal) pending() bool { return rm.PendingUntil != "" }

// reason says why the key goes: the resource is destroyed, or what forces its replacement.
func (rm removal) reason() string {
	switch {
	case rm.ForcedBy != "":
		return rm.ForcedBy + " with a new key"
	case rm.isReplacement():
		return strings.Join(rm.Causes, " and ") + ", which the API cannot change in place, so the key is replaced by a new one"
	}
	return "the resource is being destroyed"
}

func (rm removal) policyNote() string {
	if rm.NewPolicy == "" {
		return ""
	}
	return fmt.Sprintf("\n\nThe planned deletion_policy = %q applies to the new key only: the current key is removed under the policy recorded in the state.",
		rm.NewPolicy)
}

func (rm removal) avoidReplacement() string {
	switch rm.ForcedBy {
	case forcedByRequest:
		return " To keep the current key, plan again without -replace, or undo the change that triggers replace_triggered_by."
	case forcedByTaint:
		return " To keep the current key, run terraform untaint <address> before applying; the next apply then finishes configuring it."
	}
	if !rm.isReplacement() {
		return ""
	}
	return " To keep the current key, revert the change that forces the replacement."
}

// forgetNote says, on a replacement, what happens instead under lifecycle { destroy = false }: Terraform
// decides that on its own and never tells the provider (terraform node_resource_abstract_instance.go,
// resourceLifecycleForget; OpenTofu shouldSkipDestroy), so the warning cannot know which applies.
func (rm removal) forgetNote() string {
	if !rm.isReplacement() {
		return ""
	}
	note := fmt.Sprintf("\n\nUnless this resource has lifecycle { destroy = false } (Terraform 1.16+, OpenTofu 1.12+), "+
		"which Terraform does not tell the provider: then Terraform only forgets key %s, without any API call, and the key "+
		"keeps existing (and being billed) outside Terraform.", rm.Key)
	if rm.KeepsName {
		note += fmt.Sprintf(" The new key has the same name, which the forgotten key keeps, so its create then fails "+
			"before changing anything, and says how to bring key %s back under Terraform.", rm.Key)
	}
	return note
}

// deleteWarningDetail explains deletion_policy = "DELETE".
func deleteWarningDetail(rm removal) string {
	what := fmt.Sprintf("Key %s will be deleted for ever in this apply, because %s and its deletion_policy is \"DELETE\". ",
		rm.Key, rm.reason())
	if rm.pending() {
		what += fmt.Sprintf("The key is already pending deletion (NCloud would delete it at %s), so only the final delete "+
			"call is made, at once.", rm.PendingUntil)
	} else {
		what += "Both the deletion request and the final delete happen in this apply, one right after the other, " +
			"with no recovery window."
	}
	return what + " Data encrypted under any version of the key can never be decrypted again; nobody can undo this.\n\n" +
		"To keep a way back, set deletion_policy = \"SCHEDULE\" (NCloud deletes the key 72 hours after the request, " +
		"and the deletion can be cancelled until then) or \"ABANDON\" (Terraform only forgets the key), apply that change, " +
		"and only then remove the key; or set deletion_protection = true to block its removal." + rm.avoidReplacement() + rm.policyNote() +
		rm.forgetNote() + rm.lastUseNote()
}

// scheduleWarningDetail explains deletion_policy = "SCHEDULE"; goneAround is the date when
// NCloud deletes the key if the deletion is requested now.
func scheduleWarningDetail(rm removal, goneAround time.Time) string {
	var what string
	if rm.pending() {
		what = fmt.Sprintf("Key %s is already pending deletion, and NCloud deletes it for ever at %s. Because %s and its "+
			"deletion_policy is \"SCHEDULE\", Terraform only forgets it in this apply, without any API call.",
			rm.Key, rm.PendingUntil, rm.reason())
	} else {
		what = fmt.Sprintf("Key %s will be scheduled for deletion in this apply, because %s and its deletion_policy is "+
			"\"SCHEDULE\": Terraform requests its deletion, the key becomes pending deletion (status REVOKE, unusable), and "+
			"NCloud deletes it for ever 72 hours after the request, around %s if you apply now.",
			rm.Key, rm.reason(), formatTime(goneAround))
	}
	return what + " After that, data encrypted under any version of the key can never be decrypted again.\n\n" +
		"Until then the deletion can be cancelled: with \"cancel deletion\" in the NCloud console or the API, with the action " +
		"ncloudkms_cancel_key_deletion (Terraform 1.14+: terraform apply -invoke=...), or by bringing " +
		"the key back under Terraform (terraform import <address> " + rm.Key.Tag + ", or an import block with that id) " +
		"and applying, which restores it. To keep the key now, do not remove it, or set deletion_protection = true." +
		rm.avoidReplacement() + rm.policyNote() + rm.forgetNote() + rm.lastUseNote()
}

// abandonWarningDetail explains deletion_policy = "ABANDON".
func abandonWarningDetail(rm removal) string {
	what := fmt.Sprintf("Key %s will be abandoned in this apply, because %s and its deletion_policy is \"ABANDON\": "+
		"Terraform removes it from the state only, without any API call. The key keeps existing in NCloud KMS, and keeps "+
		"being billed, until someone deletes it in the console or through the API.", rm.Key, rm.reason())
	if rm.pending() {
		what += fmt.Sprintf(" It is already pending deletion, so NCloud still deletes it at %s unless the deletion is cancelled.",
			rm.PendingUntil)
	}
	return what + "\n\nTo delete it instead, set deletion_policy = \"SCHEDULE\" or \"DELETE\" and apply that change before removing it." +
		rm.avoidReplacement() + rm.policyNote()
}

// protectionErrorDetail explains how to remove a protected key on purpose, or forget it.
func protectionErrorDetail(rm removal) string {
	var what, retry string
	if rm.isReplacement() {
		what = fmt.Sprintf("Key %s cannot be replaced, as %s: deletion_protection = true on it (in the state or in the "+
			"configuration).", rm.Key, rm.replacementWhy())
		retry = "apply the change that replaces it again"
	} else {
		what = fmt.Sprintf("Key %s cannot be destroyed: deletion_protection = true on it.", rm.Key)
		retry = "destroy it (remove the resource block, or run terraform destroy)"
	}
	return what + " Nothing is deleted while this error stands.\n\n" +
		"To delete the key on purpose:\n" +
		"  1. set deletion_protection = false in its resource block (put the block back if you removed it) and run terraform apply;\n" +
		"  2. then " + retry + ".\n\n" +
		"To stop managing the key without deleting it, remove its resource block and add (Terraform 1.7 or later):\n\n" +
		removedBlockHowTo
}

// usedRecentlyDetail explains the refusal of refuse_deletion_if_used_within.
func usedRecentlyDetail(key keyRef, window, lastUseLine string) string {
	return fmt.Sprintf("Key %s was used by an application or a person within the last %s, and its "+
		"refuse_deletion_if_used_within = %q refuses to delete or schedule the deletion of a key used that recently. "+
		"Nothing is deleted while this error stands. Find what still uses the key first; when nothing needs it any more, "+
		"lower or remove refuse_deletion_if_used_within, apply that change, and then remove the key.\n\n%s",
		key, window, window, lastUseLine)
}

// lastUseUnreadableDetail explains that the guard fails closed when it cannot see the last use.
func lastUseUnreadableDetail(key keyRef, window string, err error) string {
	return fmt.Sprintf("Key %s has refuse_deletion_if_used_within = %q, but its last use could not be read, and a guard "+
		"that cannot see does not let a deletion through. Nothing is deleted while this error stands; plan again once "+
		"the API answers. %s", key, window, apiErrorTail(err))
}

// replacementOnRequestRefusedDetail explains why a replacement that Terraform was asked for
// (-replace, replace_triggered_by) is refused; policyDetail is the warning it would have earned.
func replacementOnRequestRefusedDetail(rm removal, policyDetail string) string {
	return fmt.Sprintf("Key %s is to be replaced, because %s. Terraform does not show a provider's warnings for such "+
		"a replacement, so this plan could not say what it does to the current key; the provider refuses it instead, "+
		"and nothing is changed while this error stands. This is what it would do:\n\n%s\n\n"+
		"To replace the key on purpose, let a plan announce it: run terraform taint <address> (instead of -replace, or "+
		"of the replace_triggered_by reference) and plan again with the key's name unchanged, or replace the resource "+
		"block by one with another address; either plan shows what happens to this key.",
		rm.Key, rm.ForcedBy, policyDetail)
}

// removalNotAnnouncedDetail explains why Delete refused a removal that the plan did not announce.
func removalNotAnnouncedDetail(key keyRef) string {
	return fmt.Sprintf("Terraform is removing key %s, but the plan it applies did not announce that, so nothing was "+
		"deleted and the key stays in the Terraform state. This happens when a tainted key is replaced by a key with "+
		"another name: the plan recognises a tainted key by its name, so it could not say what happens to it. Keep the "+
		"key's name in the plan that replaces it (the plan then says what its deletion_policy does), or run terraform "+
		"untaint <address> to keep the key.", key)
}

// replacedKeyHoldsNameDetail explains a create refused because the key it replaces still exists and
// holds the name: the apply removed that key from the state without deleting it.
func replacedKeyHoldsNameDetail(key keyRef) string {
	return fmt.Sprintf("Key %s, which this resource managed and this apply replaces, still exists and holds the name %q, "+
		"so the new key cannot be created: nothing was created or changed. Terraform did not delete the key, although "+
		"the plan said what its deletion_policy would do: either the resource has lifecycle { destroy = false }, so "+
		"Terraform only removed key %s from the state, or it has create_before_destroy = true, so Terraform deletes the "+
		"key only after its replacement exists, which one name cannot allow.\n\n"+
		"Under destroy = false, key %s is no longer managed by Terraform. To bring it back, run\n\n"+
		"  terraform import <address> %s\n\n"+
		"with <address> this resource's address, which Terraform prints with this error (or use an import block with "+
		"id = %q). Then keep the key by reverting the change that forces the replacement, keep "+
		"both keys by giving the new one another name, or replace it for real by removing destroy = false (the plan then "+
		"says what its deletion_policy does).",
		key, key.Name, key, key, key.Tag, key.Tag)
}

// restoreWarningDetail explains that applying a configured key found REVOKE cancels its deletion.
func restoreWarningDetail(key keyRef, pendingUntil string, enable bool) string {
	after := "it comes back disabled (DISABLE), as enabled = false"
	if enable {
		after = "it comes back as DISABLE and is then enabled again, as enabled = true"
	}
	return fmt.Sprintf("Key %s is pending deletion (status REVOKE: its deletion was requested, outside this configuration or before the key was imported), "+
		"and NCloud deletes it permanently at %s. Because the key is still in the configuration, this apply cancels "+
		"the deletion: %s.\n\nTo let the deletion go ahead instead, remove the resource from the configuration before "+
		"applying (destroy then follows its deletion_policy), or remove it with a removed block and destroy = false "+
		"so that Terraform forgets it and NCloud deletes it at that date.", key, pendingUntil, after)
}

// replacementNameClashDetail explains why a replacement cannot keep the name under SCHEDULE or ABANDON.
func replacementNameClashDetail(rm removal, policy, name string) string {
	fate := "stays pending deletion (status REVOKE) for 72 hours"
	if policy == deletionPolicyAbandon {
		fate = "keeps existing"
	}
	return fmt.Sprintf("Key %s is to be replaced, because %s, and its deletion_policy is %q: the current key %s and keeps its name, so creating the new key "+
		"named %q would then fail, leaving neither key under Terraform. Nothing is changed while this error stands.\n\n"+
		"To go ahead, give the new key another name, or set deletion_policy = \"DELETE\" and apply that change first "+
		"(the current key is then deleted at once, for ever, and frees the name).%s",
		rm.Key, rm.replacementWhy(), policy, fate, name, rm.avoidReplacement())
}

// nameInUseDetail explains a create whose name an existing key (ENABLE or DISABLE) holds.
func nameInUseDetail(name string, holder kmsapi.Key) string {
	return fmt.Sprintf("Key %s already exists in this NCloud KMS account (status %s), and key names are unique, "+
		"ignoring case. Creating a key named %q would fail, so nothing is created.\n\n"+
		"To manage the existing key with Terraform, import it instead of creating it, with either id form:\n"+
		"  terraform import <address> %s\n"+
		"  terraform import <address> name/%s\n"+
		"(or an import block with one of those ids). Otherwise choose another name.",
		keyRefOf(holder), holder.Status, name, holder.KeyTag, holder.KeyName)
}

// renameInUseDetail explains a rename to a name another live key holds.
func renameInUseDetail(key keyRef, newName string, holder kmsapi.Key) string {
	return fmt.Sprintf("Renaming key %s to %q would fail: key %s (status %s) already has that name, and key names "+
		"are unique, ignoring case. Nothing is renamed. Choose another name, or rename or delete the other key first.",
		key, newName, keyRefOf(holder), holder.Status)
}

// nameHeldDetail explains a create or rename whose name a key pending deletion still holds.
func nameHeldDetail(name string, holder kmsapi.Key, renaming *keyRef) string {
	until := formatMillis(holder.DestroyDate)
	var what, options string
	if renaming != nil {
		what = fmt.Sprintf("Renaming key %s to %q would fail", *renaming, name)
		options = "pick another name, or wait until " + until + ", when NCloud has deleted that key and the name is free."
	} else {
		what = fmt.Sprintf("Creating a key named %q would fail, so nothing is created", name)
		options = "set restore_if_pending = true to take that key over (this cancels its deletion; it keeps its tag, " +
			"type, versions and data), pick another name, or wait until " + until + ", when NCloud has deleted that key and the name is free."
	}
	return fmt.Sprintf("%s: key %s is pending deletion (status REVOKE) and keeps its name until NCloud deletes it at %s. "+
		"Key names are unique, ignoring case.\n\nTo go ahead, %s", what, keyRefOf(holder), until, options)
}

// adoptWarningDetail explains restore_if_pending taking over a key pending deletion.
func adoptWarningDetail(name string, holder kmsapi.Key) string {
	return fmt.Sprintf("Key %s is pending deletion (status REVOKE), and NCloud would delete it permanently at %s. "+
		"Because restore_if_pending = true, this apply does not create a new key named %q: it cancels that key's deletion "+
		"and manages it under this resource, with its tag, type, versions and data.\n\n"+
		"To create a new key instead, set restore_if_pending = false and choose another name.",
		keyRefOf(holder), formatMillis(holder.DestroyDate), name)
}

// cannotAdoptDetail explains why restore_if_pending cannot take over a pending key.
func cannotAdoptDetail(holder kmsapi.Key, mismatch string) string {
	return fmt.Sprintf("Key %s is pending deletion and restore_if_pending = true, but %s. Type, protection type and "+
		"convergent cannot be changed on an existing key, so nothing is done. Pick another name, change the "+
		"configuration to match, or wait until NCloud has deleted the pending key (%s).",
		keyRefOf(holder), mismatch, formatMillis(holder.DestroyDate))
}

// nameClaimedByCreateDetail explains a key of this configuration whose name a create of the same
// plan takes: two resources of one configuration then claim one key name.
func nameClaimedByCreateDetail(key keyRef) string {
	return fmt.Sprintf("This resource manages key %s, and another resource of this configuration plans to create a key "+
		"with the same name in this plan. Key names are unique, ignoring case, so that create would fail. Nothing is "+
		"changed while this error stands: give one of the two resources another name.", key)
}

// nameCheckFailedDetail explains that the plan could not list the keys to check a name.
func nameCheckFailedDetail(name string, err error) string {
	return fmt.Sprintf("Terraform could not list the keys of this account to check that the name %q is free, so the plan "+
		"goes ahead without that check; if the name is taken, the create fails at apply time. %s", name, apiErrorTail(err))
}

// finalDeleteFailedDetail explains a two-phase deletion that stopped after the request.
func finalDeleteFailedDetail(key keyRef, requestedNow bool, destroyAt string, err error) string {
	who := "The key was already pending deletion"
	if requestedNow {
		who = "Terraform requested the deletion of the key, which is now pending deletion (status REVOKE)"
	}
	return fmt.Sprintf("%s: key %s. The final delete call then failed, so the key is not deleted yet. It stays in the "+
		"Terraform state with status REVOKE: run terraform destroy (or apply) again to make only the final delete call, "+
		"or leave it, and NCloud deletes it at %s unless someone cancels the deletion. %s",
		who, key, destroyAt, apiErrorTail(err))
}

// finalDeleteRefusedDetail explains a final delete refused because the key is no longer REVOKE.
func finalDeleteRefusedDetail(key keyRef, err error) string {
	return fmt.Sprintf("The final delete of key %s was refused because the key is no longer pending deletion: someone "+
		"probably cancelled the deletion since Terraform requested it. Nothing was deleted. Run terraform plan to see the "+
		"key's current status, then destroy again if you still mean to. %s", key, apiErrorTail(err))
}

// deletionRequestFailedDetail explains a failed request-deletion (or the read that followed a refusal).
func deletionRequestFailedDetail(key keyRef, err error) string {
	return fmt.Sprintf("Terraform could not request the deletion of key %s, so the key is unchanged and stays in the "+
		"Terraform state. Fix the cause and destroy again. %s", key, apiErrorTail(err))
}

// deletionRefusedDetail explains a request-deletion refused while the key is not REVOKE either.
func deletionRefusedDetail(key keyRef, status string, err error) string {
	return fmt.Sprintf("NCloud refused the deletion request of key %s as not allowed in its status, yet the key reads as "+
		"%s, not pending deletion. Nothing was deleted and the key stays in the Terraform state; try again later. %s",
		key, status, apiErrorTail(err))
}
