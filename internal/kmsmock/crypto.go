package kmsmock

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// The crypto calls: DESIGN.md §2.32–§2.38 and the choices of §10. They take the account's
// signature or an access token of the key (x-ncp-ocapi-token), and each one that succeeds is
// recorded as an API use of the key from the caller's address.
//
// Checks, in order: the body's form (400: a required field missing, not Base64, over its size),
// the key (404 unknown, 400 a type the call does not work with, 422 not ENABLE, 400 no context
// for a convergent key, 400 over the RSA limit), then the version a ciphertext or signature names
// (400 unknown, 422 disabled), then the cryptography (400 "decryption failed").

const (
	maxPlaintextBytes  = 32 << 10 // decoded; a list's items together
	maxContextBytes    = 50
	maxSignDataBytes   = 8 << 10
	defaultDataKeyBits = 256
	// sealedPrefix starts every ciphertext and signature: ncpkms:v{N}:{Base64}.
	sealedPrefix = "ncpkms:v"
)

var dataKeyBits = []int64{128, 256, 512}

// The key types each crypto call works with.
var (
	encryptingKeyTypes = []string{keyTypeAES, keyTypeRSA}
	signingKeyTypes    = []string{keyTypeRSA, keyTypeECDSA}
)

// cryptoRoutes serve POST /kms/v1/keys/{tag}/{action} for every crypto action (cryptoActions),
// signed or with an access token: init adds them to keyRoutes and tokenRoutes.
var cryptoRoutes = map[string]keyHandler{
	"encrypt":           cryptoCall("encrypt", encryptingKeyTypes, (*cryptoRequest).encrypt),
	"decrypt":           cryptoCall("decrypt", encryptingKeyTypes, (*cryptoRequest).decrypt),
	"re-encrypt":        cryptoCall("re-encrypt", encryptingKeyTypes, (*cryptoRequest).reEncrypt),
	"create-custom-key": cryptoCall("create-custom-key", encryptingKeyTypes, (*cryptoRequest).createCustomKey),
	"sign":              cryptoCall("sign", signingKeyTypes, (*cryptoRequest).sign),
	"verify":            cryptoCall("verify", signingKeyTypes, (*cryptoRequest).verify),
	"get-pub-key":       cryptoCall("get-pub-key", signingKeyTypes, (*cryptoRequest).publicKey),
}

func init() {
	for action, handle := range cryptoRoutes {
		keyRoutes[action] = map[string]keyHandler{http.MethodPost: handle}
		tokenRoutes[action] = map[string]tokenRoute{http.MethodPost: {accessToken, handle}}
	}
}

// cryptoRequest is a crypto call being answered.
type cryptoRequest struct {
	server *Server
	r      *http.Request
	tag    string
	action string
	types  []string // the key types the call works with
}

// cryptoOp answers one crypto call with its data.
type cryptoOp func(c *cryptoRequest) (any, error)

// cryptoCall is the handler of a crypto action: it runs op and records the use when op succeeds.
func cryptoCall(action string, types []string, op cryptoOp) keyHandler {
	return func(s *Server, r *http.Request, tag string) apiResponse {
		data, err := op(&cryptoRequest{r: r, tag: tag, action: action, types: types, server: s})
		if err != nil {
			return failure(err)
		}
		// The key may have gone since: then there is nothing to record the use on.
		_, _ = s.store.recordUse(tag, 0, RequestTypeAPI, mockAccountID, clientIP(r), action)
		return success(data)
	}
}

// cryptoKey is what a crypto call needs of a key, copied under the store's lock; the crypto itself
// runs outside it.
type cryptoKey struct {
	tag        string
	keyType    string
	convergent bool
	versions   []versionRecord // version n is versions[n-1]; the last one is current
}

// key reads the call's key: it exists (404), is of a type the call works with (400) and is
// ENABLE (422); context is the call's decoded context (nil when none), which a convergent key
// requires (400).
func (c *cryptoRequest) key(context []byte) (cryptoKey, error) {
	var out cryptoKey
	err := c.server.store.with(c.tag, func(k *keyRecord, _ int64) error {
		if !slices.Contains(c.types, k.keyType) {
			return &apiError{http.StatusBadRequest, codeInvalidRequest, fmt.Sprintf("Invalid request: %s works with %s keys only, not with this %s key",
				c.action, strings.Join(c.types, " and "), k.keyType)}
		}
		if err := requireStatus(k, statusEnable); err != nil {
			return err
		}
		if k.convergent && len(context) == 0 {
			return errInvalidField("context", "is required for a convergent key")
		}
		out = cryptoKey{tag: k.tag, keyType: k.keyType, convergent: k.convergent, versions: slices.Clone(k.versions)}
		return nil
	})
	return out, err
}

func (k cryptoKey) current() int64 { return int64(len(k.versions)) }

// secret is the material of version n, named by field: 400 when the key has no such version, 422
// when it is disabled.
func (k cryptoKey) secret(field string, n int64) (*versionSecret, error) {
	if n < 1 || n > k.current() {
		return nil, errInvalidField(field, "names version %d, which this key does not have", n)
	}
	if v := k.versions[n-1]; v.status != statusEnable {
		return nil, &apiError{http.StatusUnprocessableEntity, codeInvalidStatus,
			fmt.Sprintf("Invalid status: version %d of the key is disabled; enable it to use what it encrypted or signed", n)}
	}
	return k.versions[n-1].secret, nil
}

// checkPlaintexts refuses plaintexts an RSA2048 key cannot take (§2.1: 190 bytes each).
func (k cryptoKey) checkPlaintexts(plaintexts [][]byte) error {
	for _, p := range plaintexts {
		if k.keyType == keyTypeRSA && len(p) > maxRSAPlaintext {
			return errInvalidField("plaintext", "must be at most %d bytes for an %s key, got %d", maxRSAPlaintext, keyTypeRSA, len(p))
		}
	}
	return nil
}

// seal encrypts plaintext under the current version, bound to context.
func (k cryptoKey) seal(plaintext, context []byte) (string, error) {
	n := k.current()
	sealed, err := k.versions[n-1].secret.seal(plaintext, binding(k.tag, n, context), context, k.convergent)
	if err != nil {
		return "", err
	}
	return formatSealed(n, sealed), nil
}

// open decrypts a ciphertext with the version its prefix names.
func (k cryptoKey) open(ciphertext string, context []byte) ([]byte, error) {
	n, sealed, err := parseSealed("ciphertext", ciphertext)
	if err != nil {
		return nil, err
	}
	secret, err := k.secret("ciphertext", n)
	if err != nil {
		return nil, err
	}
	return secret.open(sealed, binding(k.tag, n, context), context, k.convergent)
}

// formatSealed writes a ciphertext or signature of version n: ncpkms:v{N}:{Base64}.
func formatSealed(n int64, sealed []byte) string {
	return sealedPrefix + strconv.FormatInt(n, 10) + ":" + base64.StdEncoding.EncodeToString(sealed)
}

// parseSealed reads ncpkms:v{N}:{Base64} (N a version from 1 to 100 without leading zeros).
func parseSealed(field, text string) (int64, []byte, error) {
	malformed := errInvalidField(field, "must have the form %s{N}:{Base64} that the key's calls return", sealedPrefix)
	rest, ok := strings.CutPrefix(text, sealedPrefix)
	if !ok {
		return 0, nil, malformed
	}
	number, encoded, ok := strings.Cut(rest, ":")
	n, err := strconv.ParseInt(number, 10, 64)
	if !ok || err != nil || n < 1 || n > maxKeyVersions || strconv.FormatInt(n, 10) != number {
		return 0, nil, malformed
	}
	sealed, err := strictBase64(encoded)
	if err != nil || len(sealed) == 0 {
		return 0, nil, malformed
	}
	return n, sealed, nil
}

// texts reads a field that is a string or an array of strings (§2.32–§2.34): its items, none
// empty, and whether it was an array.
func texts(field string, raw json.RawMessage) ([]string, bool, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" || string(raw) == `""` {
		return nil, false, errInvalidField(field, "is required")
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}, false, nil
	}
	var list []string
	if json.Unmarshal(raw, &list) != nil {
		return nil, false, errInvalidField(field, "must be a string or an array of strings")
	}
	if len(list) == 0 {
		return nil, false, errInvalidField(field, "must not be an empty array")
	}
	for i, item := range list {
		if item == "" {
			return nil, false, errInvalidField(field, "item %d is empty", i)
		}
	}
	return list, true, nil
}

// oneOrList answers in the form the request used: a string, or an array.
func oneOrList(items []string, list bool) any {
	if list {
		return items
	}
	return items[0]
}

// decodeBase64 reads a Base64 field. The value is never repeated in the error: it may be a secret.
func decodeBase64(field, text string) ([]byte, error) {
	data, err := strictBase64(text)
	if err != nil {
		return nil, errInvalidField(field, "must be Base64 (standard alphabet with padding, on one line)")
	}
	return data, nil
}

// strictBase64 decodes the standard alphabet with padding and nothing else: unlike the decoder
// alone it refuses line breaks.
func strictBase64(text string) ([]byte, error) {
	if strings.ContainsAny(text, "\r\n") {
		return nil, base64.CorruptInputError(strings.IndexAny(text, "\r\n"))
	}
	return base64.StdEncoding.Strict().DecodeString(text)
}

// decodeContext reads the optional context: absent or "" is none, else Base64 of at most 50 bytes.
func decodeContext(text *string) ([]byte, error) {
	if text == nil || *text == "" {
		return nil, nil
	}
	context, err := decodeBase64("context", *text)
	if err != nil {
		return nil, err
	}
	if len(context) > maxContextBytes {
		return nil, errInvalidField("context", "must be at most %d bytes, got %d", maxContextBytes, len(context))
	}
	return context, nil
}

// decodePlaintexts reads the plaintext field: Base64 items of at most 32 KiB together.
func decodePlaintexts(raw json.RawMessage) (plaintexts [][]byte, list bool, err error) {
	items, list, err := texts("plaintext", raw)
	if err != nil {
		return nil, false, err
	}
	total := 0
	for _, item := range items {
		p, err := decodeBase64("plaintext", item)
		if err != nil {
			return nil, false, err
		}
		if total += len(p); total > maxPlaintextBytes {
			return nil, false, errInvalidField("plaintext", "must be at most %d bytes (all items together)", maxPlaintextBytes)
		}
		plaintexts = append(plaintexts, p)
	}
	return plaintexts, list, nil
}

// decodeSignData reads sign and verify's data field: required, Base64, at most 8 KiB.
func decodeSignData(text *string) ([]byte, error) {
	if text == nil || *text == "" {
		return nil, errInvalidField("data", "is required")
	}
	data, err := decodeBase64("data", *text)
	if err != nil {
		return nil, err
	}
	if len(data) > maxSignDataBytes {
		return nil, errInvalidField("data", "must be at most %d bytes, got %d", maxSignDataBytes, len(data))
	}
	return data, nil
}

// Answers of the crypto calls (§2.32–§2.38). A ciphertext or plaintext field is a string or an
// array, as the request's was.
type (
	encrypted struct {
		Ciphertext any `json:"ciphertext"`
	}
	decrypted struct {
		Plaintext any `json:"plaintext"`
	}
	reEncrypted struct {
		NewCiphertext any `json:"newCiphertext"`
	}
	dataKey struct {
		Ciphertext string `json:"ciphertext"`
		KeyVersion int64  `json:"key_version"`
		Plaintext  string `json:"plaintext,omitempty"`
	}
	signed struct {
		Signature string `json:"signature"`
	}
	verified struct {
		Valid bool `json:"valid"`
	}
	publicKey struct {
		PublicKey string `json:"publicKey"`
	}
)

// ciphertextBody is the body of decrypt and re-encrypt.
type ciphertextBody struct {
	Ciphertext json.RawMessage `json:"ciphertext"`
	Context    *string         `json:"context"`
}

func (c *cryptoRequest) encrypt() (any, error) {
	var body struct {
		Plaintext json.RawMessage `json:"plaintext"`
		Context   *string         `json:"context"`
	}
	if err := decodeOptionalBody(c.r, &body); err != nil {
		return nil, err
	}
	plaintexts, list, err := decodePlaintexts(body.Plaintext)
	if err != nil {
		return nil, err
	}
	context, err := decodeContext(body.Context)
	if err != nil {
		return nil, err
	}
	k, err := c.key(context)
	if err != nil {
		return nil, err
	}
	if err := k.checkPlaintexts(plaintexts); err != nil {
		return nil, err
	}
	ciphertexts := make([]string, len(plaintexts))
	for i, p := range plaintexts {
		if ciphertexts[i], err = k.seal(p, context); err != nil {
			return nil, err
		}
	}
	return encrypted{oneOrList(ciphertexts, list)}, nil
}

// openAll reads a decrypt or re-encrypt body and decrypts every ciphertext in it; then passes
// each plaintext to then, whose results make the answer's items.
func (c *cryptoRequest) openAll(then func(k cryptoKey, plaintext, context []byte) (string, error)) (any, error) {
	var body ciphertextBody
	if err := decodeOptionalBody(c.r, &body); err != nil {
		return nil, err
	}
	ciphertexts, list, err := texts("ciphertext", body.Ciphertext)
	if err != nil {
		return nil, err
	}
	context, err := decodeContext(body.Context)
	if err != nil {
		return nil, err
	}
	k, err := c.key(context)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(ciphertexts))
	for i, ciphertext := range ciphertexts {
		plaintext, err := k.open(ciphertext, context)
		if err != nil {
			return nil, err
		}
		if out[i], err = then(k, plaintext, context); err != nil {
			return nil, err
		}
	}
	return oneOrList(out, list), nil
}

func (c *cryptoRequest) decrypt() (any, error) {
	plaintexts, err := c.openAll(func(_ cryptoKey, plaintext, _ []byte) (string, error) {
		return base64.StdEncoding.EncodeToString(plaintext), nil
	})
	if err != nil {
		return nil, err
	}
	return decrypted{plaintexts}, nil
}

// reEncrypt seals each plaintext again under the current version, with the same context.
func (c *cryptoRequest) reEncrypt() (any, error) {
	ciphertexts, err := c.openAll(cryptoKey.seal)
	if err != nil {
		return nil, err
	}
	return reEncrypted{ciphertexts}, nil
}

// createCustomKey makes a random data key of the asked size and answers it sealed like an
// encrypt (so decrypt opens it), and in plain only when requestPlainKey is true.
func (c *cryptoRequest) createCustomKey() (any, error) {
	var body struct {
		RequestPlainKey *bool   `json:"requestPlainKey"`
		Bits            *int64  `json:"bits"`
		Context         *string `json:"context"`
	}
	if err := decodeOptionalBody(c.r, &body); err != nil {
		return nil, err
	}
	bits := int64(defaultDataKeyBits)
	if body.Bits != nil {
		if bits = *body.Bits; !slices.Contains(dataKeyBits, bits) {
			return nil, errInvalidField("bits", "must be 128, 256 or 512, got %d", bits)
		}
	}
	context, err := decodeContext(body.Context)
	if err != nil {
		return nil, err
	}
	k, err := c.key(context)
	if err != nil {
		return nil, err
	}
	key := make([]byte, bits/8)
	_, _ = rand.Read(key) // crypto/rand.Read never fails on supported platforms
	ciphertext, err := k.seal(key, context)
	if err != nil {
		return nil, err
	}
	answer := dataKey{Ciphertext: ciphertext, KeyVersion: k.current()}
	if body.RequestPlainKey != nil && *body.RequestPlainKey {
		answer.Plaintext = base64.StdEncoding.EncodeToString(key)
	}
	return answer, nil
}

// sign signs with the current version; the signature names it like a ciphertext does.
func (c *cryptoRequest) sign() (any, error) {
	var body struct {
		Data *string `json:"data"`
	}
	if err := decodeOptionalBody(c.r, &body); err != nil {
		return nil, err
	}
	data, err := decodeSignData(body.Data)
	if err != nil {
		return nil, err
	}
	k, err := c.key(nil)
	if err != nil {
		return nil, err
	}
	n := k.current()
	signature, err := k.versions[n-1].secret.sign(data)
	if err != nil {
		return nil, err
	}
	return signed{formatSealed(n, signature)}, nil
}

// verify checks a signature with the version it names: a signature that does not match is
// valid false, not an error.
func (c *cryptoRequest) verify() (any, error) {
	var body struct {
		Data      *string `json:"data"`
		Signature *string `json:"signature"`
	}
	if err := decodeOptionalBody(c.r, &body); err != nil {
		return nil, err
	}
	data, err := decodeSignData(body.Data)
	if err != nil {
		return nil, err
	}
	if body.Signature == nil || *body.Signature == "" {
		return nil, errInvalidField("signature", "is required")
	}
	n, signature, err := parseSealed("signature", *body.Signature)
	if err != nil {
		return nil, err
	}
	k, err := c.key(nil)
	if err != nil {
		return nil, err
	}
	secret, err := k.secret("signature", n)
	if err != nil {
		return nil, err
	}
	valid, err := secret.verify(data, signature)
	if err != nil {
		return nil, err
	}
	return verified{valid}, nil
}

// publicKey answers the public key of keyVersion (1–100, else 400), or of the current version
// when it is absent; a version the key does not have is 404, a disabled one 422.
func (c *cryptoRequest) publicKey() (any, error) {
	var body struct {
		KeyVersion *int64 `json:"keyVersion"`
	}
	if err := decodeOptionalBody(c.r, &body); err != nil {
		return nil, err
	}
	if body.KeyVersion != nil && (*body.KeyVersion < 1 || *body.KeyVersion > maxKeyVersions) {
		return nil, errInvalidField("keyVersion", "must be an integer from 1 to %d, got %d", maxKeyVersions, *body.KeyVersion)
	}
	k, err := c.key(nil)
	if err != nil {
		return nil, err
	}
	n := k.current()
	if body.KeyVersion != nil {
		if n = *body.KeyVersion; n > k.current() {
			return nil, errVersionNotFound(k.tag, n)
		}
	}
	secret, err := k.secret("keyVersion", n)
	if err != nil {
		return nil, err
	}
	pem, err := secret.publicKeyPEM()
	if err != nil {
		return nil, err
	}
	return publicKey{pem}, nil
}
