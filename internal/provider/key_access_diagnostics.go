package provider

import (
	"fmt"
	"strings"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// Diagnostic texts of who may use a key: ncloudkms_key_acl, ncloudkms_key_token_generator and the
// ephemeral ncloudkms_key_tokens. The plan-time summaries are documented verbatim so that
// pipelines can gate on them in `terraform plan -json`: never reword them.
const (
	summaryKeyACLDeniesEveryAddress            = "Key ACL will deny every address"
	summaryKeyTokensWillBeRevoked              = "Key tokens will be revoked"
	summaryKeyTokenRevocationProtected         = "Key token revocation blocked by deletion_protection"
	summaryKeyTokenGeneratorReplacementRefused = "Key token generator replacement on request refused"
	summaryKeyTokenGeneratorClaimedTwice       = "Key token generator claimed by two resources"
	summaryKeyTokenGeneratorExists             = "Key token generator already exists"
	summaryKeyACLKeyGone                       = "Key of the ACL deleted outside Terraform"
	summaryKeyTokenGeneratorDeletedOutside     = "Key token generator deleted outside Terraform"
)

// Summaries of apply-time failures.
const (
	summaryKeyACLUpdateFailed                   = "Key ACL update failed"
	summaryKeyACLReadFailed                     = "Key ACL read failed"
	summaryKeyACLRemovalFailed                  = "Key ACL removal failed"
	summaryKeyTokenGeneratorCreationFailed      = "Key token generator creation failed"
	summaryKeyTokenGeneratorReadFailed          = "Key token generator read failed"
	summaryKeyTokenGeneratorRegenerationFailed  = "Key token generator regeneration failed"
	summaryKeyTokenGeneratorDeletionFailed      = "Key token generator deletion failed"
	summaryKeyTokenGeneratorRemovalNotAnnounced = "Key token generator removal was not announced by the plan"
	summaryKeyTokensNotIssued                   = "Key tokens not issued"
)

// Sentences shared by several details.
const (
	tokenGeneratorReference         = "ncloudkms_key_token_generator.<name>.id"
	tokenRevocationIrreversible     = "NCloud KMS cannot revoke tokens one by one, nor bring revoked tokens back."
	tokenRevocationApplicationsNote = "Applications that use them get HTTP 401 on their next call and need new tokens."
	aclUnfilteredCallsNote          = "Calls signed with account keys are not filtered, and tokens issued before keep working until they expire."
)

// aclDeniesEveryAddressDetail explains an ACL planned on with an empty allow list.
func aclDeniesEveryAddressDetail(key keyRef, known bool) string {
	who := fmt.Sprintf("key %s", key)
	if !known {
		who = "this key (its key tag is known only at apply time)"
	}
	return fmt.Sprintf("The IP ACL of %s will be on with no address listed: NCloud KMS then issues token sets and access "+
		"tokens for the key to no address at all, the machine that runs Terraform included (an ephemeral "+
		"ncloudkms_key_tokens of the key then fails). %s\n\nTo let applications get tokens, list their addresses in "+
		"allowed_ips; to leave token requests unfiltered, set enabled = false.", who, aclUnfilteredCallsNote)
}

// aclKeyGoneDetail explains an ACL that left the state because its key is gone.
func aclKeyGoneDetail(tag string) string {
	return fmt.Sprintf("Key with key tag %s no longer exists in NCloud KMS, so its IP ACL no longer exists either and was "+
		"removed from the Terraform state. The next apply fails unless key_tag names an existing key.", tag)
}

// aclStepFailedDetail explains an ACL change that stopped at a step; done lists the steps made before.
func aclStepFailedDetail(key keyRef, step string, done []string, saved bool, err error) string {
	so := "Nothing was changed before."
	if len(done) > 0 {
		so = "Done before it: " + strings.Join(done, ", then ") + "."
	}
	if saved {
		so += " The state records the ACL as far as it got; apply again to finish."
	} else {
		so += " Apply again to finish: the ACL is read again first."
	}
	return fmt.Sprintf("The IP ACL of key %s: %s failed. %s %s", key, step, so, apiErrorTail(err))
}

// What a plan does to a token generator, for the revocation diagnostics.
type generatorChange string

const (
	generatorDestroyed   generatorChange = "destroyed"   // destroy, removal of its block
	generatorRegenerated generatorChange = "regenerated" // regenerate_triggers changes: PUT, in place
	generatorReplaced    generatorChange = "replaced"    // key_tag changes: DELETE here, POST on the new key
	generatorOnRequest   generatorChange = "on request"  // -replace, replace_triggered_by
	generatorTainted     generatorChange = "tainted"     // terraform taint, or a create that stopped part-way
)

// tokenRevocation describes a plan that revokes every token a generator issued.
type tokenRevocation struct {
	Key    keyRef
	Issued int64 // issued_token_count, as last read
	Change generatorChange
	Why    string // for generatorRegenerated and generatorReplaced: what changes
}

// what says what happens to the generator and why.
func (rv tokenRevocation) what() string {
	switch rv.Change {
	case generatorRegenerated:
		return fmt.Sprintf("is replaced in place by a new generator (PUT) in this apply, because %s", rv.Why)
	case generatorReplaced:
		return fmt.Sprintf("is deleted in this apply, because %s (a generator belongs to one key), and a new generator "+
			"is created for the key that key_tag names then", rv.Why)
	case generatorOnRequest:
		return "is deleted and a new one created in this apply, because " + forcedByRequest
	case generatorTainted:
		return "is deleted and a new one created in this apply, because " + forcedByTaint
	}
	return "is deleted in this apply, because the resource is being destroyed: token authentication for the key " +
		"stops until a new generator is created"
}

// avoid says how to keep the tokens working.
func (rv tokenRevocation) avoid() string {
	switch rv.Change {
	case generatorRegenerated:
		return "To keep them working, revert the change to regenerate_triggers."
	case generatorReplaced:
		return "To keep them working, revert the change to key_tag."
	case generatorOnRequest:
		return "To keep them working, plan again without -replace, or undo the change that triggers replace_triggered_by."
	case generatorTainted:
		return "To keep them working, run terraform untaint <address> before applying."
	}
	return "To keep them working, keep the resource in the configuration, or set deletion_protection = true to block their revocation."
}

// issued says how many tokens the generator has issued.
func (rv tokenRevocation) issued() string {
	if rv.Issued == 1 {
		return "1 token (a token set or an access token)"
	}
	return fmt.Sprintf("%d tokens (token sets and access tokens)", rv.Issued)
}

// forgetNote says, on a replacement, what happens instead under lifecycle { destroy = false }, which
// Terraform decides without telling the provider (DESIGN.md "Forget instead of destroy").
func (rv tokenRevocation) forgetNote() string {
	var after string
	switch rv.Change {
	case generatorReplaced:
		after = "; the new key_tag gets a generator of its own"
	case generatorOnRequest, generatorTainted:
		after = "; creating its replacement then fails, since a key has one generator"
	default:
		return ""
	}
	return fmt.Sprintf("\n\nUnless this resource has lifecycle { destroy = false } (Terraform 1.16+, OpenTofu 1.12+), "+
		"which Terraform does not tell the provider: then Terraform only forgets the generator of key %s, without any API "+
		"call, and its tokens keep working%s.", rv.Key, after)
}

// tokensRevokedDetail is the detail of the warning summaryKeyTokensWillBeRevoked.
func tokensRevokedDetail(rv tokenRevocation) string {
	return fmt.Sprintf("The token generator of key %s %s. Every token it has issued stops working at once, for ever: "+
		"it has issued %s so far, as last read. %s %s\n\n%s%s",
		rv.Key, rv.what(), rv.issued(), tokenRevocationApplicationsNote, tokenRevocationIrreversible, rv.avoid(), rv.forgetNote())
}

// refused says what deletion_protection blocks and why it would happen.
func (rv tokenRevocation) refused() string {
	switch rv.Change {
	case generatorRegenerated:
		return "cannot be replaced in place, as " + rv.Why
	case generatorReplaced:
		return "cannot be deleted, as " + rv.Why
	case generatorOnRequest:
		return "cannot be replaced, as " + forcedByRequest
	case generatorTainted:
		return "cannot be replaced, as " + forcedByTaint
	}
	return "cannot be deleted"
}

// tokenRevocationProtectedDetail explains how to revoke a protected generator's tokens on purpose.
func tokenRevocationProtectedDetail(rv tokenRevocation) string {
	retry := "apply the change again"
	if rv.Change == generatorDestroyed {
		retry = "destroy it (remove the resource block, or run terraform destroy)"
	}
	return fmt.Sprintf("The token generator of key %s %s: that would revoke every token it has issued (%s so far), "+
		"and deletion_protection = true on it (in the state or in the configuration). Nothing is changed while this "+
		"error stands.\n\nTo revoke the tokens on purpose:\n"+
		"  1. set deletion_protection = false in its resource block (put the block back if you removed it) and run terraform apply;\n"+
		"  2. then %s.\n\n"+
		"To stop managing the generator without deleting it, remove its resource block and add (Terraform 1.7 or later):\n\n%s",
		rv.Key, rv.refused(), rv.issued(), retry, removedBlockHowTo)
}

// generatorReplacementRefusedDetail explains why -replace and replace_triggered_by are refused.
func generatorReplacementRefusedDetail(rv tokenRevocation) string {
	return fmt.Sprintf("The token generator of key %s is to be replaced, because %s. Terraform does not show a "+
		"provider's warnings for such a replacement, so this plan could not say that it revokes every token the "+
		"generator has issued; the provider refuses it instead, and nothing is changed while this error stands. "+
		"This is what it would do:\n\n%s\n\nTo replace the generator on purpose, change regenerate_triggers (the plan "+
		"then says so, and the generator is replaced in place), or run terraform taint <address> instead and plan again.",
		rv.Key, forcedByRequest, tokensRevokedDetail(rv))
}

// generatorClaimedTwiceDetail explains a generator of this configuration whose key another
// resource of the same plan gives a new generator.
func generatorClaimedTwiceDetail(key keyRef) string {
	return fmt.Sprintf("This resource manages the token generator of key %s, and another resource of this configuration "+
		"plans to create a token generator for the same key in this plan. A key has at most one generator, so that create "+
		"would fail. Nothing is changed while this error stands: if you renamed the resource, add a moved block "+
		"(moved { from = <old address> to = <new address> }); otherwise remove one of the two resources.", key)
}

// generatorRemovalNotAnnouncedDetail explains why Delete refused a removal the plan did not announce.
func generatorRemovalNotAnnouncedDetail(key keyRef) string {
	return fmt.Sprintf("Terraform is deleting the token generator of key %s, but the plan it applies did not announce "+
		"that, so nothing was deleted and the generator stays in the Terraform state. This happens when a tainted "+
		"generator is replaced by one with another key_tag: the plan recognises a tainted generator by its key tag, so "+
		"it could not say that its tokens are revoked. Keep key_tag in the plan that replaces it (the plan then says "+
		"what happens), or run terraform untaint <address> to keep the generator.", key)
}

// generatorDeletedOutsideDetail explains a generator found gone at refresh.
func generatorDeletedOutsideDetail(key keyRef) string {
	return fmt.Sprintf("The token generator of key %s no longer exists (it was deleted outside Terraform, or its key "+
		"was), so it was removed from the Terraform state; every token it issued was revoked with it. The next apply "+
		"creates a new generator; applications need new tokens.", key)
}

// generatorExistsDetail explains a create planned for a key that has a generator.
func generatorExistsDetail(key keyRef) string {
	return fmt.Sprintf("Key %s already has a token generator, and a key has at most one, so creating one would fail. "+
		"Nothing is changed while this error stands.\n\nTo manage the existing generator with Terraform, import it "+
		"instead: terraform import <address> %s (or an import block with that id). If another resource of this "+
		"configuration manages it and you renamed that resource, add a moved block (moved { from = <old address> "+
		"to = <new address> }).", key, key.Tag)
}

// generatorExistsHint is added to a create refused because the key has a generator already.
func generatorExistsHint(err error, tag string) string {
	if !kmsapi.IsConflict(err) {
		return ""
	}
	return fmt.Sprintf(" The key already has a token generator, and a key has at most one. To manage it with "+
		"Terraform, import it instead: terraform import <address> %s (or an import block with that id).", tag)
}

// tokensNotIssuedDetail explains a token set that NCloud refused or could not issue.
func tokensNotIssuedDetail(tag string, err error) string {
	hint := ""
	if kmsapi.IsInvalidStatus(err) {
		hint = " The key needs an active token generator: an ncloudkms_key_token_generator for it, and the key enabled. " +
			"Take key_tag from that resource (" + tokenGeneratorReference + ", which is the key tag), so that Terraform " +
			"asks for tokens only once the generator exists."
	}
	return fmt.Sprintf("NCloud KMS issued no token set for the key with key tag %s.%s %s", tag, hint, apiErrorTail(err))
}
