package kmsapi

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// The crypto calls of a key (DESIGN.md §2.32–§2.38 and §10). Each one authenticates with
// the account's signature, or with an access token of the key when the input's AccessToken is
// set (sent as x-ncp-ocapi-token; the key's IP ACL does not filter these calls).
//
// Every crypto call is safe to retry, and is retried like a read (429, 5xx, broken connections):
// none changes anything on the server but the key's use record. A repeated encrypt, re-encrypt or
// create-custom-key returns a new ciphertext (or data key) and the one whose answer was lost is
// simply never used; decrypt, sign, verify and get-pub-key give the same result again.
//
// Plaintexts, data keys and tokens never reach a log line or an error: the values sent are masked
// like the credentials (also when a server echoes them back), and an answer that may carry a
// plaintext or a data key is never quoted when it cannot be read.

// CiphertextPrefix starts every ciphertext and signature: ncpkms:v{N}:{Base64}, N being the key
// version that made it.
const CiphertextPrefix = "ncpkms:v"

// minMaskedLength is the shortest raw (not Base64) plaintext that is masked in logs and errors as
// it is; shorter ones would mask every occurrence of a word or a letter. The Base64 form actually
// sent is always masked.
const minMaskedLength = 4

// EncryptInput is the body of Encrypt.
type EncryptInput struct {
	Plaintext   []byte // at most 32 KiB; at most 190 bytes for an RSA2048 key
	Context     []byte // optional, at most 50 bytes, required by a convergent key; decryption needs it again
	AccessToken string // optional: authenticate with this access token instead of the account's signature
}

// DecryptInput is the body of Decrypt and ReEncrypt.
type DecryptInput struct {
	Ciphertext  string // as Encrypt returned it, with its ncpkms:v{N}: prefix
	Context     []byte // the context it was encrypted with (none when none)
	AccessToken string // optional: authenticate with this access token instead of the account's signature
}

// DataKeyInput is the body of CreateCustomKey.
type DataKeyInput struct {
	Bits             int    // 128, 256 or 512; 0 leaves the server's default (256)
	IncludePlaintext bool   // also return the data key itself (requestPlainKey)
	Context          []byte // optional, as for Encrypt
	AccessToken      string // optional: authenticate with this access token instead of the account's signature
}

// DataKey is a data key for envelope encryption: Ciphertext is the key sealed by the KMS key
// (Decrypt opens it), Plaintext the key itself when it was asked for. Printing a DataKey with the
// fmt verbs %v, %s or %#v never shows Plaintext.
type DataKey struct {
	Ciphertext string
	KeyVersion int64 // the KMS key version that sealed it
	Plaintext  []byte
}

// String describes the data key without its plaintext.
func (k DataKey) String() string {
	return fmt.Sprintf("DataKey{Ciphertext: %q, KeyVersion: %d, Plaintext: %d bytes (hidden)}", k.Ciphertext, k.KeyVersion, len(k.Plaintext))
}

// GoString is String, so that %#v does not show the plaintext either.
func (k DataKey) GoString() string { return k.String() }

// SignInput is the body of Sign.
type SignInput struct {
	Data        []byte // the message itself (the server hashes it with SHA-256), at most 8 KiB
	AccessToken string // optional: authenticate with this access token instead of the account's signature
}

// VerifyInput is the body of Verify.
type VerifyInput struct {
	Data        []byte // the signed message
	Signature   string // as Sign returned it, with its ncpkms:v{N}: prefix
	AccessToken string // optional: authenticate with this access token instead of the account's signature
}

// PublicKeyInput is the body of GetPublicKey.
type PublicKeyInput struct {
	Version     int64  // 1–100; 0 asks for the current version
	AccessToken string // optional: authenticate with this access token instead of the account's signature
}

var (
	errEmptyCiphertext = errors.New("NCloud KMS client: the ciphertext is empty")
	errEmptySignature  = errors.New("NCloud KMS client: the signature is empty")
)

// Encrypt encrypts a plaintext under the key's current version (AES256 and RSA2048 keys) and
// returns the ciphertext, ncpkms:v{N}:{Base64}.
func (c *Client) Encrypt(ctx context.Context, keyTag string, in EncryptInput) (string, error) {
	var answer struct {
		Ciphertext string `json:"ciphertext"`
	}
	body := struct {
		Plaintext string `json:"plaintext"`
		Context   string `json:"context,omitempty"`
	}{encode(in.Plaintext), encode(in.Context)}
	if err := c.cryptoCall(ctx, keyTag, "encrypt", in.AccessToken, body, &answer, plaintextForms(in.Plaintext)...); err != nil {
		return "", err
	}
	return answer.Ciphertext, c.requireField(keyTag, "encrypt", "ciphertext", answer.Ciphertext != "")
}

// Decrypt decrypts a ciphertext with the key version its prefix names; a disabled version gives an
// invalid status error (IsInvalidStatus), a wrong context or another key's ciphertext a 400.
func (c *Client) Decrypt(ctx context.Context, keyTag string, in DecryptInput) ([]byte, error) {
	if in.Ciphertext == "" {
		return nil, errEmptyCiphertext
	}
	var answer struct {
		Plaintext base64Bytes `json:"plaintext"`
	}
	if err := c.cryptoCall(ctx, keyTag, "decrypt", in.AccessToken, ciphertextBody(in), &answer); err != nil {
		return nil, err
	}
	if err := c.requireField(keyTag, "decrypt", "plaintext", answer.Plaintext != nil); err != nil {
		return nil, err
	}
	return answer.Plaintext, nil
}

// ReEncrypt decrypts a ciphertext with the version its prefix names and encrypts the plaintext
// again under the key's current version, with the same context; the plaintext never leaves the
// server.
func (c *Client) ReEncrypt(ctx context.Context, keyTag string, in DecryptInput) (string, error) {
	if in.Ciphertext == "" {
		return "", errEmptyCiphertext
	}
	var answer struct {
		NewCiphertext string `json:"newCiphertext"`
	}
	if err := c.cryptoCall(ctx, keyTag, "re-encrypt", in.AccessToken, ciphertextBody(in), &answer); err != nil {
		return "", err
	}
	return answer.NewCiphertext, c.requireField(keyTag, "re-encrypt", "newCiphertext", answer.NewCiphertext != "")
}

// ciphertextBody is the body of decrypt and re-encrypt.
func ciphertextBody(in DecryptInput) any {
	return struct {
		Ciphertext string `json:"ciphertext"`
		Context    string `json:"context,omitempty"`
	}{in.Ciphertext, encode(in.Context)}
}

// CreateCustomKey makes a random data key (AES256 and RSA2048 keys) and returns it sealed under
// the key's current version, and in plain when in.IncludePlaintext asks for it.
func (c *Client) CreateCustomKey(ctx context.Context, keyTag string, in DataKeyInput) (*DataKey, error) {
	body := struct {
		RequestPlainKey bool   `json:"requestPlainKey"`
		Bits            int    `json:"bits,omitempty"`
		Context         string `json:"context,omitempty"`
	}{in.IncludePlaintext, in.Bits, encode(in.Context)}
	var answer struct {
		Ciphertext string      `json:"ciphertext"`
		KeyVersion int64       `json:"key_version"`
		CamelCase  int64       `json:"keyVersion"` // in case the server spells it like its other answers
		Plaintext  base64Bytes `json:"plaintext"`
	}
	if err := c.cryptoCall(ctx, keyTag, "create-custom-key", in.AccessToken, body, &answer); err != nil {
		return nil, err
	}
	if err := c.requireField(keyTag, "create-custom-key", "ciphertext", answer.Ciphertext != ""); err != nil {
		return nil, err
	}
	if err := c.requireField(keyTag, "create-custom-key", "plaintext", answer.Plaintext != nil || !in.IncludePlaintext); err != nil {
		return nil, err
	}
	key := &DataKey{Ciphertext: answer.Ciphertext, KeyVersion: answer.KeyVersion, Plaintext: answer.Plaintext}
	if key.KeyVersion == 0 {
		key.KeyVersion = answer.CamelCase
	}
	return key, nil
}

// Sign signs data with the key's current version (RSA2048: RSASSA-PSS with SHA-256; ECDSA: P-256
// with SHA-256, ASN.1 DER) and returns the signature, ncpkms:v{N}:{Base64}.
func (c *Client) Sign(ctx context.Context, keyTag string, in SignInput) (string, error) {
	var answer struct {
		Signature string `json:"signature"`
	}
	body := struct {
		Data string `json:"data"`
	}{encode(in.Data)}
	if err := c.cryptoCall(ctx, keyTag, "sign", in.AccessToken, body, &answer, plaintextForms(in.Data)...); err != nil {
		return "", err
	}
	return answer.Signature, c.requireField(keyTag, "sign", "signature", answer.Signature != "")
}

// Verify reports whether signature is the key's signature of data, checked with the version the
// signature names; a signature that does not match is false, not an error.
func (c *Client) Verify(ctx context.Context, keyTag string, in VerifyInput) (bool, error) {
	if in.Signature == "" {
		return false, errEmptySignature
	}
	var answer struct {
		Valid *flexBool `json:"valid"`
	}
	body := struct {
		Data      string `json:"data"`
		Signature string `json:"signature"`
	}{encode(in.Data), in.Signature}
	if err := c.cryptoCall(ctx, keyTag, "verify", in.AccessToken, body, &answer, plaintextForms(in.Data)...); err != nil {
		return false, err
	}
	if err := c.requireField(keyTag, "verify", "valid", answer.Valid != nil); err != nil {
		return false, err
	}
	return bool(*answer.Valid), nil
}

// GetPublicKey returns the public key of a version of an RSA2048 or ECDSA key (the current one
// for version 0) as PEM ("PUBLIC KEY", SubjectPublicKeyInfo).
func (c *Client) GetPublicKey(ctx context.Context, keyTag string, in PublicKeyInput) (string, error) {
	body := struct {
		KeyVersion int64 `json:"keyVersion,omitempty"`
	}{in.Version}
	var answer struct {
		PublicKey string `json:"publicKey"`
	}
	if err := c.cryptoCall(ctx, keyTag, "get-pub-key", in.AccessToken, body, &answer); err != nil {
		return "", err
	}
	return answer.PublicKey, c.requireField(keyTag, "get-pub-key", "publicKey", answer.PublicKey != "")
}

// cryptoCall sends one crypto call, signed or with token, with secrets masked in its logs and
// errors and its answer never quoted.
func (c *Client) cryptoCall(ctx context.Context, keyTag, action, token string, body, out any, secrets ...string) error {
	if keyTag == "" {
		return errEmptyKeyTag
	}
	r, err := newRequest(http.MethodPost, keyPath(keyTag, action), body)
	if err != nil {
		return err
	}
	r.token, r.secrets, r.secretAnswer = token, secrets, true
	return c.call(ctx, r, out)
}

// requireField reports a success answer that lacks the field holding the call's result.
func (c *Client) requireField(keyTag, action, field string, present bool) error {
	if present {
		return nil
	}
	return &APIError{Method: http.MethodPost, Path: c.requestPath(&request{path: keyPath(keyTag, action)}), StatusCode: http.StatusOK,
		Message: "the answer has no " + field}
}

// CiphertextVersion returns N of a ciphertext or signature ncpkms:v{N}:{Base64}: the key version
// that made it, which must stay enabled for it to decrypt or verify.
func CiphertextVersion(ciphertext string) (int64, error) {
	rest, ok := strings.CutPrefix(ciphertext, CiphertextPrefix)
	number, encoded, found := strings.Cut(rest, ":")
	version, err := strconv.ParseInt(number, 10, 64)
	if !ok || !found || err != nil || version < 1 || strconv.FormatInt(version, 10) != number || encoded == "" {
		return 0, errors.New("not an NCloud KMS ciphertext: it must have the form " + CiphertextPrefix + "{N}:{Base64}")
	}
	return version, nil
}

// encode is the standard Base64 of data; "" for none.
func encode(data []byte) string {
	if len(data) == 0 {
		return ""
	}
	return base64.StdEncoding.EncodeToString(data)
}

// plaintextForms are the forms of a plaintext that are masked: the Base64 that is sent, and the
// raw text when it is long enough to mask without masking common words.
func plaintextForms(plaintext []byte) []string {
	if len(plaintext) == 0 {
		return nil
	}
	forms := []string{encode(plaintext)}
	if len(plaintext) >= minMaskedLength {
		forms = append(forms, string(plaintext))
	}
	return forms
}

// base64Bytes is a Base64 JSON string, decoded. Its error never repeats the text.
type base64Bytes []byte

func (b *base64Bytes) UnmarshalJSON(raw []byte) error {
	var text string
	if err := json.Unmarshal(raw, &text); err != nil {
		return errors.New("not a JSON string")
	}
	data, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return errors.New("not Base64")
	}
	*b = data
	return nil
}

// flexBool is a JSON boolean, or a string "true" or "false" (the docs give valid as a String in
// their table, as a boolean in their example).
type flexBool bool

func (b *flexBool) UnmarshalJSON(raw []byte) error {
	raw = bytes.TrimSpace(raw)
	var value bool
	if json.Unmarshal(raw, &value) == nil {
		*b = flexBool(value)
		return nil
	}
	var text string
	if json.Unmarshal(raw, &text) == nil {
		if value, err := strconv.ParseBool(strings.TrimSpace(text)); err == nil {
			*b = flexBool(value)
			return nil
		}
	}
	return fmt.Errorf("%s is not a boolean", truncate(string(raw), 20))
}

var (
	_ json.Unmarshaler = (*base64Bytes)(nil)
	_ json.Unmarshaler = (*flexBool)(nil)
	_ fmt.Stringer     = DataKey{}
	_ fmt.GoStringer   = DataKey{}
)
