package kmsmock

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"
)

func b64(text string) string { return base64.StdEncoding.EncodeToString([]byte(text)) }

func unb64(t *testing.T, text string) string {
	t.Helper()
	data, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		t.Fatalf("%q is not Base64: %v", text, err)
	}
	return string(data)
}

// crypto sends a signed crypto call.
func (c *testClient) crypto(tag, action string, body any) reply {
	c.t.Helper()
	return c.call("POST", "/kms/v1/keys/"+tag+"/"+action, body)
}

// withContext adds a context (plain text, sent in Base64) to body unless it is "".
func withContext(body map[string]any, context string) map[string]any {
	if context != "" {
		body["context"] = b64(context)
	}
	return body
}

func encryptText(t *testing.T, c *testClient, tag, text, context string) string {
	t.Helper()
	var out encryptedText
	c.crypto(tag, "encrypt", withContext(map[string]any{"plaintext": b64(text)}, context)).data(t, &out)
	if !strings.HasPrefix(out.Ciphertext, "ncpkms:v") {
		t.Fatalf("ciphertext %q lacks the ncpkms:v{N}: prefix", out.Ciphertext)
	}
	return out.Ciphertext
}

func decryptText(t *testing.T, c *testClient, tag, ciphertext, context string) string {
	t.Helper()
	var out struct {
		Plaintext string `json:"plaintext"`
	}
	c.crypto(tag, "decrypt", withContext(map[string]any{"ciphertext": ciphertext}, context)).data(t, &out)
	return unb64(t, out.Plaintext)
}

func reEncryptText(t *testing.T, c *testClient, tag, ciphertext, context string) string {
	t.Helper()
	var out struct {
		NewCiphertext string `json:"newCiphertext"`
	}
	c.crypto(tag, "re-encrypt", withContext(map[string]any{"ciphertext": ciphertext}, context)).data(t, &out)
	return out.NewCiphertext
}

func signText(t *testing.T, c *testClient, tag, text string) string {
	t.Helper()
	var out signed
	c.crypto(tag, "sign", map[string]any{"data": b64(text)}).data(t, &out)
	return out.Signature
}

func verifyText(t *testing.T, c *testClient, tag, text, signature string) bool {
	t.Helper()
	var out verified
	c.crypto(tag, "verify", map[string]any{"data": b64(text), "signature": signature}).data(t, &out)
	return out.Valid
}

type encryptedText struct {
	Ciphertext string `json:"ciphertext"`
}

// sealedVersion is the N of ncpkms:v{N}:….
func sealedVersion(t *testing.T, sealed string) int64 {
	t.Helper()
	n, _, err := parseSealed("ciphertext", sealed)
	if err != nil {
		t.Fatalf("%q: %v", sealed, err)
	}
	return n
}

// Every key type does every operation that applies to it, and each answer has the documented shape.
func TestCryptoRoundTripForEveryKeyType(t *testing.T) {
	c := newTestClient(t, Options{})
	for _, tt := range []struct {
		spec     KeySpec
		context  string // required for the convergent key
		encrypts bool
		signs    bool
	}{
		{KeySpec{Name: "aes", Type: keyTypeAES}, "", true, false},
		{KeySpec{Name: "aes-context", Type: keyTypeAES}, "tenant=42", true, false},
		{KeySpec{Name: "convergent", Type: keyTypeAES, Convergent: true}, "row-7", true, false},
		{KeySpec{Name: "rsa", Type: keyTypeRSA}, "", true, true},
		{KeySpec{Name: "rsa-context", Type: keyTypeRSA}, "tenant=42", true, false},
		{KeySpec{Name: "ecdsa", Type: keyTypeECDSA}, "", false, true},
	} {
		t.Run(tt.spec.Name, func(t *testing.T) {
			k := mustCreate(t, c.server, tt.spec)
			if tt.encrypts {
				roundTripEncryption(t, c, k.KeyTag, tt.context)
			}
			if tt.signs {
				roundTripSignature(t, c, k)
			}
		})
	}
}

func roundTripEncryption(t *testing.T, c *testClient, tag, context string) {
	t.Helper()
	const secret = "db-password: correct horse battery staple"
	got := c.crypto(tag, "encrypt", withContext(map[string]any{"plaintext": b64(secret)}, context))
	sameFields(t, "encrypt", got.fieldNames(t), "ciphertext")
	var enc encryptedText
	got.data(t, &enc)
	if strings.Contains(enc.Ciphertext, b64(secret)) || sealedVersion(t, enc.Ciphertext) != 1 {
		t.Fatalf("ciphertext %q", enc.Ciphertext)
	}
	got = c.crypto(tag, "decrypt", withContext(map[string]any{"ciphertext": enc.Ciphertext}, context))
	sameFields(t, "decrypt", got.fieldNames(t), "plaintext")
	if plain := decryptText(t, c, tag, enc.Ciphertext, context); plain != secret {
		t.Fatalf("decrypt = %q, want %q", plain, secret)
	}
	got = c.crypto(tag, "re-encrypt", withContext(map[string]any{"ciphertext": enc.Ciphertext}, context))
	sameFields(t, "re-encrypt", got.fieldNames(t), "newCiphertext")
	if plain := decryptText(t, c, tag, reEncryptText(t, c, tag, enc.Ciphertext, context), context); plain != secret {
		t.Fatalf("decrypt of the re-encrypted text = %q", plain)
	}

	// arrays in, arrays out
	var list struct {
		Ciphertext []string `json:"ciphertext"`
	}
	c.crypto(tag, "encrypt", withContext(map[string]any{"plaintext": []string{b64("one"), b64("two")}}, context)).data(t, &list)
	var newList struct {
		NewCiphertext []string `json:"newCiphertext"`
	}
	c.crypto(tag, "re-encrypt", withContext(map[string]any{"ciphertext": list.Ciphertext}, context)).data(t, &newList)
	var plainList struct {
		Plaintext []string `json:"plaintext"`
	}
	c.crypto(tag, "decrypt", withContext(map[string]any{"ciphertext": newList.NewCiphertext}, context)).data(t, &plainList)
	if len(plainList.Plaintext) != 2 || unb64(t, plainList.Plaintext[0]) != "one" || unb64(t, plainList.Plaintext[1]) != "two" {
		t.Fatalf("list round trip = %v", plainList.Plaintext)
	}

	// data keys of every size decrypt to their plaintext; the plaintext comes only when asked for
	for _, bits := range []int{128, 256, 512} {
		got := c.crypto(tag, "create-custom-key", withContext(map[string]any{"bits": bits, "requestPlainKey": true}, context))
		sameFields(t, "create-custom-key", got.fieldNames(t), "ciphertext", "key_version", "plaintext")
		var key dataKey
		got.data(t, &key)
		plain := unb64(t, key.Plaintext)
		if len(plain) != bits/8 || key.KeyVersion != 1 || decryptText(t, c, tag, key.Ciphertext, context) != plain {
			t.Fatalf("%d-bit data key %+v", bits, key)
		}
	}
	got = c.crypto(tag, "create-custom-key", withContext(map[string]any{}, context))
	sameFields(t, "create-custom-key without the plain key", got.fieldNames(t), "ciphertext", "key_version")
	var key dataKey
	got.data(t, &key)
	if len(decryptText(t, c, tag, key.Ciphertext, context)) != defaultDataKeyBits/8 {
		t.Fatalf("default data key is not %d bits", defaultDataKeyBits)
	}
}

func roundTripSignature(t *testing.T, c *testClient, k Key) {
	t.Helper()
	message := "release v1.2.3 sha256:" + strings.Repeat("ab", 32)
	got := c.crypto(k.KeyTag, "sign", map[string]any{"data": b64(message)})
	sameFields(t, "sign", got.fieldNames(t), "signature")
	signature := signText(t, c, k.KeyTag, message)
	if sealedVersion(t, signature) != 1 {
		t.Fatalf("signature %q", signature)
	}
	got = c.crypto(k.KeyTag, "verify", map[string]any{"data": b64(message), "signature": signature})
	sameFields(t, "verify", got.fieldNames(t), "valid")
	if !strings.Contains(string(got.body), `"valid":true`) {
		t.Fatalf("verify answers %s, want the JSON boolean true", got.body)
	}
	if verifyText(t, c, k.KeyTag, message+".", signature) {
		t.Fatal("a signature verifies other data")
	}

	got = c.crypto(k.KeyTag, "get-pub-key", nil)
	sameFields(t, "get-pub-key", got.fieldNames(t), "publicKey")
	var pub publicKey
	got.data(t, &pub)
	_, raw, _ := parseSealed("signature", signature)
	if !verifiesOffline(t, pub.PublicKey, k.KeyType, []byte(message), raw) {
		t.Fatalf("the signature does not verify with the public key %s", pub.PublicKey)
	}
}

// verifiesOffline checks a signature with the PEM public key alone, as a client would.
func verifiesOffline(t *testing.T, publicPEM, keyType string, data, signature []byte) bool {
	t.Helper()
	block, rest := pem.Decode([]byte(publicPEM))
	if block == nil || block.Type != "PUBLIC KEY" || len(strings.TrimSpace(string(rest))) != 0 {
		t.Fatalf("public key %q is not one PEM PUBLIC KEY block", publicPEM)
	}
	public, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	digest := sha256.Sum256(data)
	switch key := public.(type) {
	case *rsa.PublicKey:
		if keyType != keyTypeRSA || key.N.BitLen() != 2048 {
			t.Fatalf("an RSA public key of %d bits for a %s key", key.N.BitLen(), keyType)
		}
		return rsa.VerifyPSS(key, crypto.SHA256, digest[:], signature, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto}) == nil
	case *ecdsa.PublicKey:
		if keyType != keyTypeECDSA || key.Curve != elliptic.P256() {
			t.Fatalf("an ECDSA public key on %s for a %s key", key.Curve.Params().Name, keyType)
		}
		return ecdsa.VerifyASN1(key, digest[:], signature)
	}
	t.Fatalf("public key of type %T", public)
	return false
}

// cryptoFixture holds one key of each kind and sample inputs for the refusal table.
type cryptoFixture struct {
	aes, conv, rsa, ecdsa, other, disabled, pending Key
	aesCiphertext, contextCiphertext                string // under aes; the second with context "ctx"
	otherCiphertext                                 string // under other, version 1 like aesCiphertext
}

func newCryptoFixture(t *testing.T, c *testClient) *cryptoFixture {
	t.Helper()
	f := &cryptoFixture{
		aes:      mustCreate(t, c.server, KeySpec{Name: "aes"}),
		conv:     mustCreate(t, c.server, KeySpec{Name: "conv", Convergent: true}),
		rsa:      mustCreate(t, c.server, KeySpec{Name: "rsa", Type: keyTypeRSA}),
		ecdsa:    mustCreate(t, c.server, KeySpec{Name: "ecdsa", Type: keyTypeECDSA}),
		other:    mustCreate(t, c.server, KeySpec{Name: "other"}),
		disabled: mustCreate(t, c.server, KeySpec{Name: "disabled"}),
		pending:  mustCreate(t, c.server, KeySpec{Name: "pending"}),
	}
	f.aesCiphertext = encryptText(t, c, f.aes.KeyTag, "secret", "")
	f.contextCiphertext = encryptText(t, c, f.aes.KeyTag, "secret", "ctx")
	f.otherCiphertext = encryptText(t, c, f.other.KeyTag, "secret", "")
	disableKey(t, c.server, f.disabled.KeyTag)
	requestDeletion(t, c.server, f.pending.KeyTag)
	return f
}

// flipLastByte alters the sealed bytes of a ciphertext and keeps its form.
func flipLastByte(t *testing.T, sealed string) string {
	t.Helper()
	prefix, encoded, _ := strings.Cut(strings.TrimPrefix(sealed, sealedPrefix), ":")
	raw, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		t.Fatal(err)
	}
	raw[len(raw)-1] ^= 1
	return sealedPrefix + prefix + ":" + base64.StdEncoding.EncodeToString(raw)
}

// Every refusal of the crypto calls (DESIGN.md §10), with its status, code and words.
func TestCryptoRefusals(t *testing.T) {
	c := newTestClient(t, Options{})
	f := newCryptoFixture(t, c)
	big := b64(strings.Repeat("x", maxPlaintextBytes+1))
	half := b64(strings.Repeat("x", maxPlaintextBytes/2+1))
	tests := []struct {
		name   string
		key    func(f *cryptoFixture) Key
		action string
		body   func(f *cryptoFixture) any
		status int
		msg    string
	}{
		// the body's form
		{"encrypt without plaintext", aesOf, "encrypt", bodyOf(map[string]any{}), 400, "plaintext is required"},
		{"encrypt without a body", aesOf, "encrypt", bodyOf(nil), 400, "plaintext is required"},
		{"encrypt of an empty plaintext", aesOf, "encrypt", bodyOf(map[string]any{"plaintext": ""}), 400, "plaintext is required"},
		{"encrypt of text that is not Base64", aesOf, "encrypt", bodyOf(map[string]any{"plaintext": "hunter2!"}), 400, "plaintext must be Base64"},
		{"encrypt of Base64 with a line break", aesOf, "encrypt", bodyOf(map[string]any{"plaintext": "YWJj\nZGVm"}), 400, "plaintext must be Base64"},
		{"encrypt of URL-safe Base64", aesOf, "encrypt", bodyOf(map[string]any{"plaintext": "-_-_"}), 400, "plaintext must be Base64"},
		{"encrypt of a number", aesOf, "encrypt", bodyOf(map[string]any{"plaintext": 12}), 400, "plaintext must be a string or an array"},
		{"encrypt of an empty array", aesOf, "encrypt", bodyOf(map[string]any{"plaintext": []string{}}), 400, "plaintext must not be an empty array"},
		{"encrypt of an array with an empty item", aesOf, "encrypt", bodyOf(map[string]any{"plaintext": []string{b64("a"), ""}}), 400, "plaintext item 1 is empty"},
		{"encrypt over 32 KiB", aesOf, "encrypt", bodyOf(map[string]any{"plaintext": big}), 400, "plaintext must be at most 32768 bytes"},
		{"encrypt of a list over 32 KiB", aesOf, "encrypt", bodyOf(map[string]any{"plaintext": []string{half, half}}), 400, "at most 32768 bytes (all items together)"},
		{"encrypt with a context that is not Base64", aesOf, "encrypt", bodyOf(map[string]any{"plaintext": b64("a"), "context": "??"}), 400, "context must be Base64"},
		{"encrypt with a context over 50 bytes", aesOf, "encrypt",
			bodyOf(map[string]any{"plaintext": b64("a"), "context": b64(strings.Repeat("c", 51))}), 400, "context must be at most 50 bytes, got 51"},
		{"malformed JSON", aesOf, "encrypt", bodyOf("{"), 400, "Malformed JSON body"},
		{"decrypt without ciphertext", aesOf, "decrypt", bodyOf(map[string]any{}), 400, "ciphertext is required"},
		{"decrypt without the prefix", aesOf, "decrypt", func(f *cryptoFixture) any {
			return map[string]any{"ciphertext": strings.SplitN(f.aesCiphertext, ":", 3)[2]}
		}, 400, "ciphertext must have the form ncpkms:v{N}:{Base64}"},
		{"decrypt of version 0", aesOf, "decrypt", bodyOf(map[string]any{"ciphertext": "ncpkms:v0:AAAA"}), 400, "must have the form"},
		{"decrypt of version 01", aesOf, "decrypt", bodyOf(map[string]any{"ciphertext": "ncpkms:v01:AAAA"}), 400, "must have the form"},
		{"decrypt of version 101", aesOf, "decrypt", bodyOf(map[string]any{"ciphertext": "ncpkms:v101:AAAA"}), 400, "must have the form"},
		{"decrypt of a body that is not Base64", aesOf, "decrypt", bodyOf(map[string]any{"ciphertext": "ncpkms:v1:AA*A"}), 400, "must have the form"},
		{"decrypt of an empty body", aesOf, "decrypt", bodyOf(map[string]any{"ciphertext": "ncpkms:v1:"}), 400, "must have the form"},
		{"re-encrypt without ciphertext", aesOf, "re-encrypt", bodyOf(map[string]any{"ciphertext": nil}), 400, "ciphertext is required"},
		{"create-custom-key of 100 bits", aesOf, "create-custom-key", bodyOf(map[string]any{"bits": 100}), 400, "bits must be 128, 256 or 512, got 100"},
		{"create-custom-key with bits as text", aesOf, "create-custom-key", bodyOf(map[string]any{"bits": "256"}), 400, "bits has the wrong JSON type"},
		{"sign without data", ecdsaOf, "sign", bodyOf(map[string]any{}), 400, "data is required"},
		{"sign of data that is not Base64", ecdsaOf, "sign", bodyOf(map[string]any{"data": "a b"}), 400, "data must be Base64"},
		{"sign over 8 KiB", ecdsaOf, "sign", bodyOf(map[string]any{"data": b64(strings.Repeat("d", maxSignDataBytes+1))}), 400, "data must be at most 8192 bytes"},
		{"verify without a signature", ecdsaOf, "verify", bodyOf(map[string]any{"data": b64("data")}), 400, "signature is required"},
		{"verify of a malformed signature", ecdsaOf, "verify", bodyOf(map[string]any{"data": b64("data"), "signature": "MEUCIQ=="}), 400, "signature must have the form"},
		{"get-pub-key of version 0", ecdsaOf, "get-pub-key", bodyOf(map[string]any{"keyVersion": 0}), 400, "keyVersion must be an integer from 1 to 100"},
		{"get-pub-key of version 101", ecdsaOf, "get-pub-key", bodyOf(map[string]any{"keyVersion": 101}), 400, "keyVersion must be an integer from 1 to 100"},

		// the key
		{"unknown key", func(*cryptoFixture) Key { return Key{KeyTag: unknownTag} }, "encrypt", bodyOf(map[string]any{"plaintext": b64("a")}), 404, "Key not found"},
		{"encrypt with an ECDSA key", ecdsaOf, "encrypt", bodyOf(map[string]any{"plaintext": b64("a")}), 400, "encrypt works with AES256 and RSA2048 keys only, not with this ECDSA key"},
		{"decrypt with an ECDSA key", ecdsaOf, "decrypt", bodyOf(map[string]any{"ciphertext": "ncpkms:v1:AAAA"}), 400, "not with this ECDSA key"},
		{"re-encrypt with an ECDSA key", ecdsaOf, "re-encrypt", bodyOf(map[string]any{"ciphertext": "ncpkms:v1:AAAA"}), 400, "not with this ECDSA key"},
		{"create-custom-key with an ECDSA key", ecdsaOf, "create-custom-key", bodyOf(nil), 400, "not with this ECDSA key"},
		{"sign with an AES key", aesOf, "sign", bodyOf(map[string]any{"data": b64("a")}), 400, "sign works with RSA2048 and ECDSA keys only, not with this AES256 key"},
		{"verify with an AES key", aesOf, "verify", bodyOf(map[string]any{"data": b64("a"), "signature": "ncpkms:v1:AAAA"}), 400, "not with this AES256 key"},
		{"get-pub-key of an AES key", aesOf, "get-pub-key", bodyOf(nil), 400, "not with this AES256 key"},
		{"encrypt with a disabled key", disabledOf, "encrypt", bodyOf(map[string]any{"plaintext": b64("a")}), 422, "Invalid status"},
		{"decrypt with a key pending deletion", pendingOf, "decrypt", bodyOf(map[string]any{"ciphertext": "ncpkms:v1:AAAA"}), 422, "Invalid status"},
		{"convergent encrypt without context", convOf, "encrypt", bodyOf(map[string]any{"plaintext": b64("a")}), 400, "context is required for a convergent key"},
		{"convergent decrypt without context", convOf, "decrypt", bodyOf(map[string]any{"ciphertext": "ncpkms:v1:AAAA"}), 400, "context is required for a convergent key"},
		{"convergent re-encrypt without context", convOf, "re-encrypt", bodyOf(map[string]any{"ciphertext": "ncpkms:v1:AAAA", "context": ""}), 400, "context is required"},
		{"convergent data key without context", convOf, "create-custom-key", bodyOf(map[string]any{"bits": 128}), 400, "context is required"},
		{"RSA encrypt over 190 bytes", rsaOf, "encrypt", bodyOf(map[string]any{"plaintext": b64(strings.Repeat("r", 191))}), 400,
			"plaintext must be at most 190 bytes for an RSA2048 key, got 191"},
		{"RSA encrypt of a list with one item over 190 bytes", rsaOf, "encrypt",
			bodyOf(map[string]any{"plaintext": []string{b64("ok"), b64(strings.Repeat("r", 191))}}), 400, "at most 190 bytes"},

		// the version a ciphertext or signature names
		{"decrypt of a version the key does not have", aesOf, "decrypt", bodyOf(map[string]any{"ciphertext": "ncpkms:v2:AAAA"}), 400,
			"ciphertext names version 2, which this key does not have"},
		{"verify of a version the key does not have", ecdsaOf, "verify", bodyOf(map[string]any{"data": b64("data"), "signature": "ncpkms:v3:AAAA"}), 400,
			"signature names version 3"},
		{"get-pub-key of a version the key does not have", ecdsaOf, "get-pub-key", bodyOf(map[string]any{"keyVersion": 2}), 404, "Key version not found"},

		// the cryptography
		{"decrypt of altered bytes", aesOf, "decrypt", func(f *cryptoFixture) any {
			return map[string]any{"ciphertext": flipLastByte(t, f.aesCiphertext)}
		}, 400, "decryption failed"},
		{"decrypt of another key's ciphertext", aesOf, "decrypt", func(f *cryptoFixture) any {
			return map[string]any{"ciphertext": f.otherCiphertext}
		}, 400, "decryption failed"},
		{"decrypt with a wrong context", aesOf, "decrypt", func(f *cryptoFixture) any {
			return map[string]any{"ciphertext": f.contextCiphertext, "context": b64("CTX")}
		}, 400, "decryption failed"},
		{"decrypt without the context it was sealed with", aesOf, "decrypt", func(f *cryptoFixture) any {
			return map[string]any{"ciphertext": f.contextCiphertext}
		}, 400, "decryption failed"},
		{"decrypt with a context it was not sealed with", aesOf, "decrypt", func(f *cryptoFixture) any {
			return map[string]any{"ciphertext": f.aesCiphertext, "context": b64("ctx")}
		}, 400, "decryption failed"},
		{"re-encrypt of another key's ciphertext", aesOf, "re-encrypt", func(f *cryptoFixture) any {
			return map[string]any{"ciphertext": f.otherCiphertext}
		}, 400, "decryption failed"},
		{"decrypt of a list with one bad item", aesOf, "decrypt", func(f *cryptoFixture) any {
			return map[string]any{"ciphertext": []string{f.aesCiphertext, f.otherCiphertext}}
		}, 400, "decryption failed"},
		{"decrypt of an RSA ciphertext by another key", rsaOf, "decrypt", func(f *cryptoFixture) any {
			return map[string]any{"ciphertext": f.aesCiphertext}
		}, 400, "decryption failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(usesOf(t, c.server, f.aes.KeyTag))
			got := c.crypto(tt.key(f).KeyTag, tt.action, tt.body(f))
			got.failed(t, tt.status, map[int]string{400: "INVALID_REQUEST", 404: "NOT_FOUND", 422: "UNPROCESSABLE_ENTITY"}[tt.status], tt.msg)
			if strings.Contains(string(got.body), b64("secret")) || strings.Contains(string(got.body), "hunter2") {
				t.Fatalf("the refusal repeats the input: %s", got.body)
			}
			if after := len(usesOf(t, c.server, f.aes.KeyTag)); after != before {
				t.Fatalf("a refused call was recorded as a use (%d uses, were %d)", after, before)
			}
		})
	}
}

func bodyOf(body any) func(*cryptoFixture) any { return func(*cryptoFixture) any { return body } }

func aesOf(f *cryptoFixture) Key      { return f.aes }
func convOf(f *cryptoFixture) Key     { return f.conv }
func rsaOf(f *cryptoFixture) Key      { return f.rsa }
func ecdsaOf(f *cryptoFixture) Key    { return f.ecdsa }
func disabledOf(f *cryptoFixture) Key { return f.disabled }
func pendingOf(f *cryptoFixture) Key  { return f.pending }

func usesOf(t *testing.T, s *Server, tag string) []Use {
	t.Helper()
	uses, err := s.Uses(tag)
	if err != nil {
		t.Fatal(err)
	}
	return uses
}

// Every crypto call needs an ENABLE key: a disabled key and a key pending deletion get 422.
func TestCryptoNeedsAnEnabledKey(t *testing.T) {
	c := newTestClient(t, Options{})
	bodies := map[string]map[string]any{
		"encrypt": {"plaintext": b64("a")}, "decrypt": {"ciphertext": "ncpkms:v1:AAAA"}, "re-encrypt": {"ciphertext": "ncpkms:v1:AAAA"},
		"create-custom-key": {}, "sign": {"data": b64("a")}, "verify": {"data": b64("a"), "signature": "ncpkms:v1:AAAA"}, "get-pub-key": {},
	}
	keys := map[string][2]Key{} // by key type: a disabled key and a key pending deletion
	for _, keyType := range []string{keyTypeAES, keyTypeECDSA} {
		disabled := mustCreate(t, c.server, KeySpec{Name: "off-" + keyType, Type: keyType})
		disableKey(t, c.server, disabled.KeyTag)
		pending := mustCreate(t, c.server, KeySpec{Name: "gone-" + keyType, Type: keyType})
		requestDeletion(t, c.server, pending.KeyTag)
		keys[keyType] = [2]Key{disabled, pending}
	}
	for _, action := range cryptoActions {
		keyType := keyTypeAES
		if action == "sign" || action == "verify" || action == "get-pub-key" {
			keyType = keyTypeECDSA
		}
		for _, k := range keys[keyType] {
			c.crypto(k.KeyTag, action, bodies[action]).failed(t, 422, "UNPROCESSABLE_ENTITY", "Invalid status")
		}
	}
}

// After a rotation old ciphertexts still decrypt; once their version is disabled they do not, with
// a clear error, until it is enabled again; re-encrypt moves a ciphertext to the current version.
func TestCryptoAcrossVersions(t *testing.T) {
	c := newTestClient(t, Options{})
	for _, keyType := range []string{keyTypeAES, keyTypeRSA} {
		t.Run(keyType, func(t *testing.T) {
			k := mustCreate(t, c.server, KeySpec{Name: "versioned-" + strings.ToLower(keyType[:3]), Type: keyType})
			old := encryptText(t, c, k.KeyTag, "old secret", "ctx")
			if _, err := c.server.RotateKey(k.KeyTag); err != nil {
				t.Fatal(err)
			}
			current := encryptText(t, c, k.KeyTag, "new secret", "ctx")
			if sealedVersion(t, old) != 1 || sealedVersion(t, current) != 2 {
				t.Fatalf("versions of %q and %q, want 1 and 2", old, current)
			}
			if got := decryptText(t, c, k.KeyTag, old, "ctx"); got != "old secret" {
				t.Fatalf("after the rotation the old ciphertext decrypts to %q", got)
			}
			moved := reEncryptText(t, c, k.KeyTag, old, "ctx")
			if sealedVersion(t, moved) != 2 || decryptText(t, c, k.KeyTag, moved, "ctx") != "old secret" {
				t.Fatalf("re-encrypt gave %q", moved)
			}
			var mixed struct {
				Plaintext []string `json:"plaintext"`
			}
			c.crypto(k.KeyTag, "decrypt", map[string]any{"ciphertext": []string{old, current}, "context": b64("ctx")}).data(t, &mixed)
			if len(mixed.Plaintext) != 2 || unb64(t, mixed.Plaintext[0]) != "old secret" || unb64(t, mixed.Plaintext[1]) != "new secret" {
				t.Fatalf("a list of both versions decrypts to %v", mixed.Plaintext)
			}

			if err := c.server.DisableKeyVersion(k.KeyTag, 1); err != nil {
				t.Fatal(err)
			}
			for _, action := range []string{"decrypt", "re-encrypt"} {
				c.crypto(k.KeyTag, action, map[string]any{"ciphertext": old, "context": b64("ctx")}).
					failed(t, 422, "UNPROCESSABLE_ENTITY", "Invalid status: version 1 of the key is disabled")
			}
			if got := decryptText(t, c, k.KeyTag, moved, "ctx"); got != "old secret" {
				t.Fatalf("the re-encrypted copy decrypts to %q while version 1 is disabled", got)
			}
			if err := c.server.EnableKeyVersion(k.KeyTag, 1); err != nil {
				t.Fatal(err)
			}
			if got := decryptText(t, c, k.KeyTag, old, "ctx"); got != "old secret" {
				t.Fatalf("after enabling version 1 again: %q", got)
			}
		})
	}
}

// Signatures name their version too: they verify after a rotation, and not while it is disabled;
// the public key of each version is its own.
func TestSignaturesAcrossVersions(t *testing.T) {
	c := newTestClient(t, Options{})
	for _, keyType := range []string{keyTypeRSA, keyTypeECDSA} {
		t.Run(keyType, func(t *testing.T) {
			k := mustCreate(t, c.server, KeySpec{Name: "signer-" + strings.ToLower(keyType[:3]), Type: keyType})
			old := signText(t, c, k.KeyTag, "data")
			var first, second publicKey
			c.crypto(k.KeyTag, "get-pub-key", nil).data(t, &first)
			if _, err := c.server.RotateKey(k.KeyTag); err != nil {
				t.Fatal(err)
			}
			c.crypto(k.KeyTag, "get-pub-key", nil).data(t, &second)
			var again publicKey
			c.crypto(k.KeyTag, "get-pub-key", map[string]any{"keyVersion": 1}).data(t, &again)
			if first.PublicKey == second.PublicKey || again.PublicKey != first.PublicKey {
				t.Fatal("each version must have its own public key, and keyVersion must select it")
			}
			newer := signText(t, c, k.KeyTag, "data")
			if sealedVersion(t, newer) != 2 || !verifyText(t, c, k.KeyTag, "data", old) || !verifyText(t, c, k.KeyTag, "data", newer) {
				t.Fatalf("signatures %q and %q after a rotation", old, newer)
			}
			_, raw, _ := parseSealed("signature", old)
			if verifiesOffline(t, second.PublicKey, keyType, []byte("data"), raw) {
				t.Fatal("version 1's signature verifies with version 2's public key")
			}
			if err := c.server.DisableKeyVersion(k.KeyTag, 1); err != nil {
				t.Fatal(err)
			}
			c.crypto(k.KeyTag, "verify", map[string]any{"data": b64("data"), "signature": old}).
				failed(t, 422, "UNPROCESSABLE_ENTITY", "version 1 of the key is disabled")
			c.crypto(k.KeyTag, "get-pub-key", map[string]any{"keyVersion": 1}).
				failed(t, 422, "UNPROCESSABLE_ENTITY", "version 1 of the key is disabled")
		})
	}
}

// A convergent key gives the same ciphertext for the same plaintext and context under one version;
// any other key does not.
func TestConvergentKeysAreDeterministic(t *testing.T) {
	c := newTestClient(t, Options{})
	conv := mustCreate(t, c.server, KeySpec{Name: "conv", Convergent: true})
	plain := mustCreate(t, c.server, KeySpec{Name: "plain"})
	rsaKey := mustCreate(t, c.server, KeySpec{Name: "rsa", Type: keyTypeRSA})

	a, b := encryptText(t, c, conv.KeyTag, "same", "ctx"), encryptText(t, c, conv.KeyTag, "same", "ctx")
	if a != b {
		t.Fatalf("convergent ciphertexts differ: %q, %q", a, b)
	}
	if encryptText(t, c, conv.KeyTag, "same", "ctx2") == a || encryptText(t, c, conv.KeyTag, "sane", "ctx") == a {
		t.Fatal("another context or another plaintext gives the same ciphertext")
	}
	var list struct {
		Ciphertext []string `json:"ciphertext"`
	}
	c.crypto(conv.KeyTag, "encrypt", map[string]any{"plaintext": []string{b64("same"), b64("same")}, "context": b64("ctx")}).data(t, &list)
	if len(list.Ciphertext) != 2 || list.Ciphertext[0] != a || list.Ciphertext[1] != a {
		t.Fatalf("a list of equal items gives %v, want %q twice", list.Ciphertext, a)
	}
	if same := reEncryptText(t, c, conv.KeyTag, a, "ctx"); same != a {
		t.Fatalf("re-encrypt under the same version gives %q, want %q", same, a)
	}
	if _, err := c.server.RotateKey(conv.KeyTag); err != nil {
		t.Fatal(err)
	}
	rotated := encryptText(t, c, conv.KeyTag, "same", "ctx")
	if rotated == a || reEncryptText(t, c, conv.KeyTag, a, "ctx") != rotated {
		t.Fatalf("after a rotation: %q, want a new ciphertext that re-encrypt also gives", rotated)
	}

	for _, k := range []Key{plain, rsaKey} {
		if first := encryptText(t, c, k.KeyTag, "same", "ctx"); first == encryptText(t, c, k.KeyTag, "same", "ctx") {
			t.Fatalf("the %s key is not convergent, yet gives equal ciphertexts", k.KeyName)
		}
	}
}

// Access tokens of the key authorise every crypto call; refresh tokens and other keys' tokens do not.
func TestCryptoWithAccessTokens(t *testing.T) {
	c := newTestClient(t, Options{})
	aes := keyWithGenerator(t, c.server, "tokenaes")
	ec := mustCreate(t, c.server, KeySpec{Name: "tokenec", Type: keyTypeECDSA})
	if err := c.server.CreateTokenGenerator(ec.KeyTag); err != nil {
		t.Fatal(err)
	}
	aesSet := newTokenSet(t, c, aes.KeyTag, nil)
	ecSet := newTokenSet(t, c, ec.KeyTag, nil)
	use := func(tag, action, token string, body any) reply {
		return c.withToken("POST", "/kms/v1/keys/"+tag+"/"+action, token, body)
	}

	var enc encryptedText
	use(aes.KeyTag, "encrypt", aesSet.AccessToken, map[string]any{"plaintext": b64("by token")}).data(t, &enc)
	if decryptText(t, c, aes.KeyTag, enc.Ciphertext, "") != "by token" {
		t.Fatal("a ciphertext made with a token does not decrypt with the signature")
	}
	var dec struct {
		Plaintext string `json:"plaintext"`
	}
	use(aes.KeyTag, "decrypt", aesSet.AccessToken, map[string]any{"ciphertext": enc.Ciphertext}).data(t, &dec)
	use(aes.KeyTag, "re-encrypt", aesSet.AccessToken, map[string]any{"ciphertext": enc.Ciphertext}).data(t, nil)
	use(aes.KeyTag, "create-custom-key", aesSet.AccessToken, nil).data(t, nil)
	var sig signed
	use(ec.KeyTag, "sign", ecSet.AccessToken, map[string]any{"data": b64("x")}).data(t, &sig)
	var ok verified
	use(ec.KeyTag, "verify", ecSet.AccessToken, map[string]any{"data": b64("x"), "signature": sig.Signature}).data(t, &ok)
	use(ec.KeyTag, "get-pub-key", ecSet.AccessToken, nil).data(t, nil)
	if unb64(t, dec.Plaintext) != "by token" || !ok.Valid {
		t.Fatalf("decrypt %q, verify %v", dec.Plaintext, ok.Valid)
	}
	// refusals are still the model's: the token does not skip them
	use(ec.KeyTag, "encrypt", ecSet.AccessToken, map[string]any{"plaintext": b64("x")}).failed(t, 400, "INVALID_REQUEST", "ECDSA")

	use(aes.KeyTag, "encrypt", aesSet.RefreshToken, map[string]any{"plaintext": b64("x")}).unauthorized(t, aesSet.RefreshToken, "takes an access token, not a refresh token")
	use(aes.KeyTag, "encrypt", ecSet.AccessToken, map[string]any{"plaintext": b64("x")}).unauthorized(t, ecSet.AccessToken, "another key")
	if err := c.server.ReplaceTokenGenerator(aes.KeyTag); err != nil {
		t.Fatal(err)
	}
	use(aes.KeyTag, "decrypt", aesSet.AccessToken, map[string]any{"ciphertext": enc.Ciphertext}).unauthorized(t, aesSet.AccessToken, "revoked")

	// token calls are API uses from the caller's address, like signed ones
	uses := usesOf(t, c.server, ec.KeyTag)
	if len(uses) != 3 || uses[0].Action != "get-pub-key" || uses[0].RequestType != RequestTypeAPI || uses[0].IP != "127.0.0.1" {
		t.Fatalf("uses of the ECDSA key: %+v", uses)
	}
}

// Each crypto call that succeeds is one API use of the key, named by its action, from the
// caller's address; Get Latest Use Info shows the newest.
func TestCryptoCallsAreRecordedAsUses(t *testing.T) {
	c := newTestClient(t, Options{})
	aes := mustCreate(t, c.server, KeySpec{Name: "used-aes"})
	rsaKey := mustCreate(t, c.server, KeySpec{Name: "used-rsa", Type: keyTypeRSA})

	ciphertext := encryptText(t, c, aes.KeyTag, "x", "")
	decryptText(t, c, aes.KeyTag, ciphertext, "")
	reEncryptText(t, c, aes.KeyTag, ciphertext, "")
	c.crypto(aes.KeyTag, "create-custom-key", nil).data(t, nil)
	signature := signText(t, c, rsaKey.KeyTag, "x")
	verifyText(t, c, rsaKey.KeyTag, "y", signature) // valid false is still an answer, and a use
	c.crypto(rsaKey.KeyTag, "get-pub-key", nil).data(t, nil)

	var actions []string
	for _, tag := range []string{rsaKey.KeyTag, aes.KeyTag} {
		for _, u := range usesOf(t, c.server, tag) {
			if u.RequestType != RequestTypeAPI || u.IP != "127.0.0.1" || u.AccountID != mockAccountID || u.Result != resultSuccess {
				t.Fatalf("use %+v", u)
			}
			actions = append(actions, u.Action)
		}
	}
	if got := strings.Join(actions, " "); got != "get-pub-key verify sign create-custom-key re-encrypt decrypt encrypt" {
		t.Fatalf("uses, newest first per key: %s", got)
	}
	if last := lastUseOf(t, c, aes.KeyTag); last == nil || last.Data.API.Action != "create-custom-key" {
		t.Fatalf("last use %+v", last)
	}
}

// The crypto actions are served signed and with access tokens, by POST only.
func TestCryptoRoutes(t *testing.T) {
	if len(cryptoRoutes) != len(cryptoActions) {
		t.Fatalf("%d crypto routes for %d crypto actions", len(cryptoRoutes), len(cryptoActions))
	}
	for _, action := range cryptoActions {
		if keyRoutes[action][http.MethodPost] == nil || len(keyRoutes[action]) != 1 {
			t.Errorf("signed route of %s: %v", action, keyRoutes[action])
		}
		if route, ok := tokenRoutes[action][http.MethodPost]; !ok || route.kind != accessToken || len(tokenRoutes[action]) != 1 {
			t.Errorf("token route of %s: %+v", action, tokenRoutes[action])
		}
	}
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "routes"})
	if got := c.call("GET", "/kms/v1/keys/"+k.KeyTag+"/encrypt", nil); got.status != 405 || got.header.Get("Allow") != "POST" {
		t.Fatalf("GET encrypt = %d (Allow %q)", got.status, got.header.Get("Allow"))
	}
}
