package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// Diagnostic summaries of ncloudkms_ciphertext, ncloudkms_decrypt, ncloudkms_data_key,
// ncloudkms_public_key and ciphertext_version. Like the key's, they never change.
const (
	summaryEncryptFailed         = "Encryption failed"
	summaryDecryptFailed         = "Decryption failed"
	summaryPublicKeyReadFailed   = "Public key read failed"
	summaryDataKeyFailed         = "Data key creation failed"
	summaryKeyCheckFailed        = "Key check failed"
	summaryKeyNotFound           = "Key not found"
	summaryKeyCannotEncrypt      = "Key cannot encrypt"
	summaryKeyCannotDecrypt      = "Key cannot decrypt"
	summaryKeyHasNoPublicKey     = "Key has no public key"
	summaryKeyCannotMakeDataKeys = "Key cannot make data keys"
	summaryContextRequired       = "Context required by a convergent key"
	summaryPlaintextTooLong      = "Plaintext too long for an RSA2048 key"
	summaryPlaintextLength       = "Plaintext length out of range"
	summaryPlaintextNotText      = "Plaintext is not UTF-8 text"
	summaryInvalidCiphertext     = "Invalid ciphertext"
	summaryPlaintextChoice       = "Exactly one of plaintext_wo and plaintext required"
	summaryPlaintextVersion      = "plaintext_wo_version goes with plaintext_wo"
)

// The configuration errors of ncloudkms_ciphertext's plaintext arguments.
const (
	plaintextChoice = "Set plaintext_wo (with plaintext_wo_version; Terraform 1.11 or later), which Terraform never " +
		"stores, or, with an older Terraform, plaintext, which the state keeps (marked sensitive)."
	plaintextBothDetail           = "Both plaintext and plaintext_wo are set. " + plaintextChoice
	plaintextNoneDetail           = "Neither plaintext_wo nor plaintext is set: there is nothing to encrypt. " + plaintextChoice
	plaintextVersionMissingDetail = "plaintext_wo is set without plaintext_wo_version. Terraform never stores " +
		"plaintext_wo, so it cannot see it change: set plaintext_wo_version (any number, such as 1), and change it " +
		"whenever plaintext_wo changes, to make a new ciphertext."
	plaintextVersionAloneDetail = "plaintext_wo_version is set without plaintext_wo: it says when plaintext_wo changes, " +
		"and means nothing otherwise. Remove it, or give the plaintext in plaintext_wo instead of plaintext."
)

// addKeyMismatch adds an error, on the attribute to change, when key cannot be used for u with
// or without a context and with a plaintext of plaintextLen bytes (-1 when not known); it reports
// whether it added one. Type and convergence never change on a key, so this holds at plan time.
func addKeyMismatch(diags *diag.Diagnostics, key *kmsapi.Key, u keyUse, hasContext bool, plaintextLen int) bool {
	ref := keyRefOf(*key)
	switch {
	case !u.allows(key.KeyType):
		diags.AddAttributeError(path.Root("key_tag"), u.wrongKeyType, fmt.Sprintf("Key %s is an %s key, which cannot %s: "+
			"only %s keys can. Use another key_tag.", ref, key.KeyType, u.doing, strings.Join(u.types, " and ")))
	case key.IsConvergent && !hasContext && u.withContext:
		diags.AddAttributeError(path.Root("context"), summaryContextRequired, fmt.Sprintf("Key %s is a convergent key: "+
			"NCloud requires a context on every call with it. Set context (plain text of 1 to %d bytes; decrypting needs "+
			"the same context).", ref, maxContextBytes))
	case key.KeyType == rsaKeyType && plaintextLen > maxRSAPlaintextBytes:
		diags.AddAttributeError(path.Root("key_tag"), summaryPlaintextTooLong, fmt.Sprintf("Key %s is an %s key, which "+
			"encrypts at most %d bytes of plaintext; this plaintext has %d bytes. Use an %s key, or encrypt a data key "+
			"(ncloudkms_data_key) with this key and the data with the data key.",
			ref, rsaKeyType, maxRSAPlaintextBytes, plaintextLen, aesKeyType))
	default:
		return false
	}
	return true
}

// explainCryptoFailure adds the error of a failed crypto call with the key tagged tag. When the
// API's answer alone may not say why (a 400, 404 or 422), it reads the key, and the versions when
// version (the one the call used) is known, so that the error names the cause: an unknown key, a
// disabled key or version, a key type that cannot do this, a convergent key without context. what
// says what could not be done ("The ciphertext could not be decrypted").
func explainCryptoFailure(ctx context.Context, client *kmsapi.Client, diags *diag.Diagnostics, summary, what, tag string,
	u keyUse, hasContext bool, version int64, err error,
) {
	generic := fmt.Sprintf("%s with the key tagged %s. %s", what, tag, apiErrorTail(err))
	if !mayBeExplainedByKey(err) {
		diags.AddError(summary, generic)
		return
	}
	key, getErr := client.GetKey(ctx, tag)
	switch {
	case kmsapi.IsNotFound(getErr):
		diags.AddAttributeError(path.Root("key_tag"), summaryKeyNotFound, keyNotFoundDetail(what, tag, err))
		return
	case getErr != nil:
		diags.AddError(summary, generic)
		return
	}
	ref := keyRefOf(*key)
	if addKeyMismatch(diags, key, u, hasContext, -1) {
		return
	}
	if key.Status != kmsapi.StatusEnable {
		todo := "Enable the key and try again."
		if key.Status == kmsapi.StatusRevoke {
			todo = "The key is pending deletion: cancel its deletion and enable it to use it again (see the guide " +
				"Deleting keys safely)."
		}
		diags.AddAttributeError(path.Root("key_tag"), summary, fmt.Sprintf("%s: key %s is %s, and NCloud uses only enabled "+
			"(%s) keys. %s %s", what, ref, key.Status, kmsapi.StatusEnable, todo, apiErrorTail(err)))
		return
	}
	if version > 0 {
		if reason := versionProblem(ctx, client, ref, version); reason != "" {
			diags.AddError(summary, fmt.Sprintf("%s: %s %s", what, reason, apiErrorTail(err)))
			return
		}
	}
	hint := ""
	if u.failureHint != "" {
		hint = " " + u.failureHint
	}
	diags.AddError(summary, fmt.Sprintf("%s with key %s.%s %s", what, ref, hint, apiErrorTail(err)))
}

// mayBeExplainedByKey reports an answer that the key's state may explain: a 400, 404 or 422.
func mayBeExplainedByKey(err error) bool {
	var apiErr *kmsapi.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	switch apiErr.StatusCode {
	case http.StatusBadRequest, http.StatusNotFound, http.StatusUnprocessableEntity:
		return true
	}
	return false
}

// versionProblem says what is wrong with version of the key: unknown or disabled; "" when the
// versions cannot be read or show nothing wrong.
func versionProblem(ctx context.Context, client *kmsapi.Client, ref keyRef, version int64) string {
	versions, err := client.ListVersions(ctx, ref.Tag)
	if err != nil {
		return ""
	}
	for _, v := range versions.Versions {
		if v.Version == version && v.Status != kmsapi.StatusEnable {
			return fmt.Sprintf("version %d of key %s is disabled, and NCloud uses no disabled version: what it encrypted "+
				"cannot be decrypted, and its public key cannot be read, until the version is enabled again (in the "+
				"NCloud console, or with the API's enable key version call). Nothing is lost: enabling the version makes "+
				"it usable again.", version, ref)
		}
		if v.Version == version {
			return ""
		}
	}
	return fmt.Sprintf("key %s has versions 1 to %d, and no version %d.", ref, versions.CurrentVersion, version)
}

// invalidCiphertextDetail explains a value that is not a ciphertext. It does not quote the value:
// a plaintext put there by mistake must not reach the output.
func invalidCiphertextDetail(err error) string {
	return fmt.Sprintf("The value is %v. Use a ciphertext as NCloud KMS returns it, "+
		"such as the ciphertext attribute of ncloudkms_ciphertext, whole and unchanged.", err)
}

// plaintextNotTextDetail explains a decrypted plaintext that Terraform cannot hold as a string.
func plaintextNotTextDetail(problem string) string {
	return "The ciphertext decrypted, but its plaintext " + problem + ", so it cannot be the string attribute " +
		"plaintext. Set binary = true and use plaintext_base64, the plaintext in Base64, byte for byte."
}

// keyNotFoundDetail explains a key tag that names no key.
func keyNotFoundDetail(what, tag string, err error) string {
	return fmt.Sprintf("%s: no KMS key has the key tag %q (it never existed, or it has been deleted). Check the key tag "+
		"and the provider's site and key_boundary: each host holds its own keys. %s", what, tag, apiErrorTail(err))
}

// readKeyToCheck reads the key tagged tag at plan time, to check what a configuration does with
// it before the apply tries. A key that does not exist, or credentials that NCloud refuses, are
// errors; any other failure only skips the check, with a warning.
func readKeyToCheck(ctx context.Context, client *kmsapi.Client, diags *diag.Diagnostics, tag string, u keyUse) *kmsapi.Key {
	key, err := client.GetKey(ctx, tag)
	what := fmt.Sprintf("Terraform could not read the key tagged %s to check that it can %s", tag, u.doing)
	switch {
	case err == nil:
		return key
	case kmsapi.IsNotFound(err):
		diags.AddAttributeError(path.Root("key_tag"), summaryKeyNotFound, keyNotFoundDetail(what, tag, err))
	case kmsapi.IsUnauthenticated(err):
		diags.AddError(summaryAuthenticationFailed, authenticationFailedDetail(fmt.Sprintf("read the key tagged %s", tag), err))
	default:
		diags.AddWarning(summaryKeyCheckFailed, fmt.Sprintf("%s, so the plan goes ahead without that check; if the key "+
			"cannot, the apply fails. %s", what, apiErrorTail(err)))
	}
	return nil
}
