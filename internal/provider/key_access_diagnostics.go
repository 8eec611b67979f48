package provider

import (
	"fmt"
	"strings"
)

// Diagnostic texts of who may use a key: ncloudkms_key_acl. The plan-time summaries are documented
// verbatim so that pipelines can gate on them in `terraform plan -json`: never reword them.
const (
	summaryKeyACLDeniesEveryAddress = "Key ACL will deny every address"
	summaryKeyACLKeyGone            = "Key of the ACL deleted outside Terraform"
)

// Summaries of apply-time failures.
const (
	summaryKeyACLUpdateFailed  = "Key ACL update failed"
	summaryKeyACLReadFailed    = "Key ACL read failed"
	summaryKeyACLRemovalFailed = "Key ACL removal failed"
)

// Sentences shared by several details.
const (
	aclUnfilteredCallsNote = "Calls signed with account keys are not filtered, and tokens issued before keep working until they expire."
)

// aclDeniesEveryAddressDetail explains an ACL planned on with an empty allow list.
func aclDeniesEveryAddressDetail(key keyRef, known bool) string {
	who := fmt.Sprintf("key %s", key)
	if !known {
		who = "this key (its key tag is known only at apply time)"
	}
	return fmt.Sprintf("The IP ACL of %s will be on with no address listed: NCloud KMS then issues token sets and access "+
		"tokens for the key to no address at all, the machine that runs Terraform included. %s\n\nTo let applications get tokens, list their addresses in "+
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
