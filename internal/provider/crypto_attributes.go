package provider

import (
	"context"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"golang.org/x/text/unicode/norm"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// What the resources that use a key share (DESIGN.md §6a): the attributes every one of them has,
// and which key types each call works with.

// Limits of the crypto calls (DESIGN.md §2.32–§2.35, §10).
const (
	maxContextBytes      = 50
	maxPlaintextBytes    = 32 << 10
	maxRSAPlaintextBytes = 190 // RSA-2048 with OAEP and SHA-256
	rsaKeyType           = "RSA2048"
	aesKeyType           = "AES256"
	ecdsaKeyType         = "ECDSA"
	defaultDataKeyBits   = 256
)

// dataKeyBits are the sizes create-custom-key makes; one list feeds the validator and the description.
var dataKeyBits = []int64{128, 256, 512}

// keyUse is what a configuration does with a key, and the key types that can do it.
type keyUse struct {
	doing        string   // "encrypt", "decrypt", ...: what the key is used for, after "cannot"
	types        []string // the key types that can
	wrongKeyType string   // the summary of the error for a key of another type
	withContext  bool     // the call takes a context, which a convergent key requires
	failureHint  string   // what else may make the call fail, for its error
}

var (
	useEncrypt = keyUse{doing: "encrypt", types: []string{aesKeyType, rsaKeyType}, wrongKeyType: summaryKeyCannotEncrypt,
		withContext: true}
	useDecrypt = keyUse{doing: "decrypt", types: []string{aesKeyType, rsaKeyType}, wrongKeyType: summaryKeyCannotDecrypt,
		withContext: true, failureHint: "A ciphertext decrypts only with the key that made it, unaltered, and with the " +
			"context it was encrypted with (none when none)."}
	useDataKey = keyUse{doing: "make data keys", types: []string{aesKeyType, rsaKeyType}, wrongKeyType: summaryKeyCannotMakeDataKeys,
		withContext: true}
	usePublicKey = keyUse{doing: "give a public key", types: []string{rsaKeyType, ecdsaKeyType}, wrongKeyType: summaryKeyHasNoPublicKey}
)

// allows reports whether a key of this type can be used this way.
func (u keyUse) allows(keyType string) bool { return slices.Contains(u.types, keyType) }

// typeList names the key types that can, for descriptions: `AES256` or `RSA2048`.
func (u keyUse) typeList() string { return markdownValueList(u.types) }

// keyTagDescription describes the key_tag argument of the crypto resources.
func keyTagDescription(u keyUse) string {
	return "The key tag of the key (64 hexadecimal characters), such as `ncloudkms_key.example.key_tag`. " +
		"The key must be an " + u.typeList() + " key."
}

// contextDescription describes the context argument, which every encrypting call shares.
func contextDescription(bound string) string {
	return fmt.Sprintf("Encryption context: plain text of 1 to %d bytes, which the provider encodes in Base64 for "+
		"NCloud. %s Required by a convergent key.", maxContextBytes, bound)
}

const (
	contextBoundAtEncryption = "It is bound to the ciphertext: decrypting needs the same context again."
	contextGivenAtEncryption = "The context the ciphertext was encrypted with; none when it was encrypted without one."
)

// contextValidators keep a context within what NCloud accepts (it counts bytes).
func contextValidators() []validator.String {
	return []validator.String{stringvalidator.LengthBetween(1, maxContextBytes)}
}

// contextBytes is the context to send: nil when none.
func contextBytes(context types.String) []byte {
	if context.IsNull() || context.IsUnknown() || context.ValueString() == "" {
		return nil
	}
	return []byte(context.ValueString())
}

// ciphertextValidator refuses, at plan time, a value that is not a ciphertext: ncpkms:v{N}:{Base64}.
type ciphertextValidator struct{}

var _ validator.String = ciphertextValidator{}

func (ciphertextValidator) Description(_ context.Context) string {
	return "must be an NCloud KMS ciphertext: " + kmsapi.CiphertextPrefix + "{N}:{Base64}"
}

func (v ciphertextValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (ciphertextValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := kmsapi.CiphertextVersion(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, summaryInvalidCiphertext, invalidCiphertextDetail(err))
	}
}

// textProblem says why plaintext cannot be a Terraform string as it is; "" when it can. Terraform
// holds strings as UTF-8 in Unicode normalization form C, and converts any other string to it.
func textProblem(plaintext []byte) string {
	switch {
	case !utf8.Valid(plaintext):
		return "is not valid UTF-8 text"
	case !norm.NFC.IsNormal(plaintext):
		return "is UTF-8 text outside Unicode normalization form C, which Terraform would convert it to, changing its bytes"
	}
	return ""
}

// plaintextLengthValidator keeps a plaintext within what NCloud encrypts (1 byte to 32 KiB). Its
// error names the attribute in words only: attached to the attribute, it would make Terraform
// quote the configuration line, plaintext included.
type plaintextLengthValidator struct{}

var _ validator.String = plaintextLengthValidator{}

func (plaintextLengthValidator) Description(_ context.Context) string {
	return fmt.Sprintf("must be 1 byte to %d KiB long", maxPlaintextBytes>>10)
}

func (v plaintextLengthValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (plaintextLengthValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if n := len(req.ConfigValue.ValueString()); n < 1 || n > maxPlaintextBytes {
		resp.Diagnostics.AddError(summaryPlaintextLength, fmt.Sprintf("%s has %d bytes: NCloud KMS encrypts a plaintext of "+
			"1 byte to %d KiB (%d bytes). For more, encrypt the data with a data key (ncloudkms_data_key) and keep the "+
			"data key's ciphertext.", req.Path, n, maxPlaintextBytes>>10, maxPlaintextBytes))
	}
}
