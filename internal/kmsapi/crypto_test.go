package kmsapi

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

// Each crypto call sends the documented method, path and body and decodes its answer.
func TestCrypto_typedCallsSendTheDocumentedRequests(t *testing.T) {
	fs := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch strings.TrimPrefix(r.URL.Path, "/kms/v1/keys/t1/") {
		case "encrypt":
			writeSuccess(w, map[string]any{"ciphertext": "ncpkms:v1:c2VhbGVk"})
		case "decrypt":
			writeSuccess(w, map[string]any{"plaintext": "aGVsbG8="})
		case "re-encrypt":
			writeSuccess(w, map[string]any{"newCiphertext": "ncpkms:v2:c2VhbGVk"})
		case "create-custom-key":
			writeSuccess(w, map[string]any{"ciphertext": "ncpkms:v2:a2V5", "key_version": 2, "plaintext": "AAECAw=="})
		case "sign":
			writeSuccess(w, map[string]any{"signature": "ncpkms:v1:c2ln"})
		case "verify":
			writeSuccess(w, map[string]any{"valid": "true"}) // the docs' table says String
		default:
			writeSuccess(w, map[string]any{"publicKey": "-----BEGIN PUBLIC KEY-----"})
		}
	})
	client, _ := newTestClient(t, fs.endpoint())
	ctx := context.Background()
	var (
		text  string
		plain []byte
		key   *DataKey
		valid bool
		err   error
	)
	runTypedCalls(t, fs, []typedCall{
		{"POST", "/kms/v1/keys/t1/encrypt", `{"plaintext":"aGVsbG8=","context":"Y3R4"}`, func() error {
			text, err = client.Encrypt(ctx, "t1", EncryptInput{Plaintext: []byte("hello"), Context: []byte("ctx")})
			return err
		}, func() bool { return text == "ncpkms:v1:c2VhbGVk" }},
		{"POST", "/kms/v1/keys/t1/encrypt", `{"plaintext":"aGVsbG8="}`, func() error {
			_, err = client.Encrypt(ctx, "t1", EncryptInput{Plaintext: []byte("hello")})
			return err
		}, nil},
		{"POST", "/kms/v1/keys/t1/decrypt", `{"ciphertext":"ncpkms:v1:c2VhbGVk"}`, func() error {
			plain, err = client.Decrypt(ctx, "t1", DecryptInput{Ciphertext: "ncpkms:v1:c2VhbGVk"})
			return err
		}, func() bool { return string(plain) == "hello" }},
		{"POST", "/kms/v1/keys/t1/re-encrypt", `{"ciphertext":"ncpkms:v1:c2VhbGVk","context":"Y3R4"}`, func() error {
			text, err = client.ReEncrypt(ctx, "t1", DecryptInput{Ciphertext: "ncpkms:v1:c2VhbGVk", Context: []byte("ctx")})
			return err
		}, func() bool { return text == "ncpkms:v2:c2VhbGVk" }},
		{"POST", "/kms/v1/keys/t1/create-custom-key", `{"requestPlainKey":true,"bits":512}`, func() error {
			key, err = client.CreateCustomKey(ctx, "t1", DataKeyInput{Bits: 512, IncludePlaintext: true})
			return err
		}, func() bool {
			return key.Ciphertext == "ncpkms:v2:a2V5" && key.KeyVersion == 2 && bytes.Equal(key.Plaintext, []byte{0, 1, 2, 3})
		}},
		{"POST", "/kms/v1/keys/t1/create-custom-key", `{"requestPlainKey":false}`, func() error {
			_, err = client.CreateCustomKey(ctx, "t1", DataKeyInput{})
			return err
		}, nil},
		{"POST", "/kms/v1/keys/t1/sign", `{"data":"bXNn"}`, func() error {
			text, err = client.Sign(ctx, "t1", SignInput{Data: []byte("msg")})
			return err
		}, func() bool { return text == "ncpkms:v1:c2ln" }},
		{"POST", "/kms/v1/keys/t1/verify", `{"data":"bXNn","signature":"ncpkms:v1:c2ln"}`, func() error {
			valid, err = client.Verify(ctx, "t1", VerifyInput{Data: []byte("msg"), Signature: "ncpkms:v1:c2ln"})
			return err
		}, func() bool { return valid }},
		{"POST", "/kms/v1/keys/t1/get-pub-key", `{}`, func() error {
			text, err = client.GetPublicKey(ctx, "t1", PublicKeyInput{})
			return err
		}, func() bool { return text == "-----BEGIN PUBLIC KEY-----" }},
		{"POST", "/kms/v1/keys/t1/get-pub-key", `{"keyVersion":3}`, func() error {
			_, err = client.GetPublicKey(ctx, "t1", PublicKeyInput{Version: 3})
			return err
		}, nil},
	})
}

func TestCrypto_emptyArgumentsAreRefusedLocally(t *testing.T) {
	client, _ := newTestClient(t, "http://127.0.0.1:1/kms/v1")
	ctx := context.Background()
	for name, call := range map[string]func() error{
		"Encrypt":         func() error { _, err := client.Encrypt(ctx, "", EncryptInput{Plaintext: []byte("x")}); return err },
		"Decrypt":         func() error { _, err := client.Decrypt(ctx, "t1", DecryptInput{}); return err },
		"ReEncrypt":       func() error { _, err := client.ReEncrypt(ctx, "t1", DecryptInput{}); return err },
		"CreateCustomKey": func() error { _, err := client.CreateCustomKey(ctx, "", DataKeyInput{}); return err },
		"Sign":            func() error { _, err := client.Sign(ctx, "", SignInput{Data: []byte("x")}); return err },
		"Verify":          func() error { _, err := client.Verify(ctx, "t1", VerifyInput{Data: []byte("x")}); return err },
		"GetPublicKey":    func() error { _, err := client.GetPublicKey(ctx, "", PublicKeyInput{}); return err },
	} {
		if err := call(); err == nil || IsRetryable(err) {
			t.Errorf("%s with an empty argument: %v", name, err)
		}
	}
}

func TestCiphertextVersion(t *testing.T) {
	for text, want := range map[string]int64{
		"ncpkms:v1:AAAA": 1, "ncpkms:v42:c2VhbGVk": 42, "ncpkms:v100:x": 100,
		"ncpkms:v0:AAAA": 0, "ncpkms:v01:AAAA": 0, "ncpkms:v-1:AAAA": 0, "ncpkms:v1:": 0, "ncpkms:v1": 0,
		"ncpkms:1:AAAA": 0, "AAAA": 0, "": 0, "ncpkms:vx:AAAA": 0,
	} {
		got, err := CiphertextVersion(text)
		if got != want || (want == 0) != (err != nil) {
			t.Errorf("CiphertextVersion(%q) = %d, %v; want %d", text, got, err, want)
		}
	}
}

func TestDataKey_printingHidesThePlaintext(t *testing.T) {
	key := DataKey{Ciphertext: "ncpkms:v1:AAAA", KeyVersion: 1, Plaintext: []byte("0123456789abcdef")}
	for _, format := range []string{"%v", "%+v", "%s", "%#v", "%q", "%x"} {
		printed := fmt.Sprintf(format, key)
		if strings.Contains(printed, "0123456789abcdef") || strings.Contains(printed, "30313233343536") ||
			format != "%x" && !strings.Contains(printed, "16 bytes (hidden)") {
			t.Errorf("%s prints %s", format, printed)
		}
	}
}

// mockKeyOfType creates a key of any type in the mock.
func mockKeyOfType(t *testing.T, mock *kmsmock.Server, name, keyType string, convergent bool) kmsmock.Key {
	t.Helper()
	key, err := mock.CreateKey(kmsmock.KeySpec{Name: name, Type: keyType, ProtectionType: "BASIC", Convergent: convergent})
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// accessTokenFor gives the key a token generator and returns an access token of it.
func accessTokenFor(t *testing.T, mock *kmsmock.Server, client *Client, tag string) string {
	t.Helper()
	if err := mock.CreateTokenGenerator(tag); err != nil {
		t.Fatal(err)
	}
	set, err := client.CreateTokenSet(context.Background(), tag, TokenLifetimes{AccessTokenHours: 1, RefreshTokenHours: 1})
	if err != nil {
		t.Fatal(err)
	}
	return set.AccessToken
}

// Every call that applies to a key type works against the mock, signed and with an access token.
func TestMock_cryptoRoundTrips(t *testing.T) {
	mock := kmsmock.NewTestServer(t, kmsmock.Options{})
	client, _ := newMockClient(t, mock)
	for _, tt := range []struct {
		keyType         string
		convergent      bool
		encrypts, signs bool
		context         []byte
	}{
		{"AES256", false, true, false, nil},
		{"AES256", true, true, false, []byte("row-1")},
		{"RSA2048", false, true, true, []byte("tenant")},
		{"ECDSA", false, false, true, nil},
	} {
		name := fmt.Sprintf("%s-convergent-%v", tt.keyType, tt.convergent)
		t.Run(name, func(t *testing.T) {
			key := mockKeyOfType(t, mock, strings.ToLower(tt.keyType[:3])+fmt.Sprint(tt.convergent)[:1], tt.keyType, tt.convergent)
			token := accessTokenFor(t, mock, client, key.KeyTag)
			for _, auth := range []string{"", token} {
				if tt.encrypts {
					roundTripEncryption(t, client, key.KeyTag, auth, tt.context)
				}
				if tt.signs {
					roundTripSignature(t, client, key.KeyTag, auth)
				}
			}
			uses, err := mock.Uses(key.KeyTag)
			if err != nil || len(uses) == 0 || uses[0].RequestType != kmsmock.RequestTypeAPI {
				t.Fatalf("uses %+v, %v", uses, err)
			}
		})
	}
}

func roundTripEncryption(t *testing.T, client *Client, tag, token string, bound []byte) {
	t.Helper()
	ctx := context.Background()
	secret := []byte("api key: 5f2b7c0e-secret")
	ciphertext, err := client.Encrypt(ctx, tag, EncryptInput{Plaintext: secret, Context: bound, AccessToken: token})
	if err != nil {
		t.Fatal(err)
	}
	if version, err := CiphertextVersion(ciphertext); err != nil || version != 1 {
		t.Fatalf("ciphertext %q: version %d, %v", ciphertext, version, err)
	}
	plain, err := client.Decrypt(ctx, tag, DecryptInput{Ciphertext: ciphertext, Context: bound, AccessToken: token})
	if err != nil || !bytes.Equal(plain, secret) {
		t.Fatalf("decrypt = %q, %v", plain, err)
	}
	again, err := client.ReEncrypt(ctx, tag, DecryptInput{Ciphertext: ciphertext, Context: bound, AccessToken: token})
	if err != nil {
		t.Fatal(err)
	}
	if plain, err := client.Decrypt(ctx, tag, DecryptInput{Ciphertext: again, Context: bound}); err != nil || !bytes.Equal(plain, secret) {
		t.Fatalf("decrypt of the re-encrypted text = %q, %v", plain, err)
	}
	key, err := client.CreateCustomKey(ctx, tag, DataKeyInput{Bits: 128, IncludePlaintext: true, Context: bound, AccessToken: token})
	if err != nil || len(key.Plaintext) != 16 || key.KeyVersion != 1 {
		t.Fatalf("data key %v, %v", key, err)
	}
	if sealed, err := client.Decrypt(ctx, tag, DecryptInput{Ciphertext: key.Ciphertext, Context: bound}); err != nil || !bytes.Equal(sealed, key.Plaintext) {
		t.Fatalf("the data key's ciphertext decrypts to %x, %v", sealed, err)
	}
	if key, err := client.CreateCustomKey(ctx, tag, DataKeyInput{Context: bound, AccessToken: token}); err != nil || key.Plaintext != nil || key.Ciphertext == "" {
		t.Fatalf("data key without its plaintext: %v, %v", key, err)
	}
}

func roundTripSignature(t *testing.T, client *Client, tag, token string) {
	t.Helper()
	ctx := context.Background()
	message := []byte("artifact sha256:0123")
	signature, err := client.Sign(ctx, tag, SignInput{Data: message, AccessToken: token})
	if err != nil {
		t.Fatal(err)
	}
	for data, want := range map[string]bool{string(message): true, "other": false} {
		if valid, err := client.Verify(ctx, tag, VerifyInput{Data: []byte(data), Signature: signature, AccessToken: token}); err != nil || valid != want {
			t.Fatalf("verify of %q = %v, %v; want %v", data, valid, err, want)
		}
	}
	publicPEM, err := client.GetPublicKey(ctx, tag, PublicKeyInput{AccessToken: token})
	if err != nil {
		t.Fatal(err)
	}
	if block, _ := pem.Decode([]byte(publicPEM)); block == nil || block.Type != "PUBLIC KEY" {
		t.Fatalf("public key %q", publicPEM)
	} else if _, err := x509.ParsePKIXPublicKey(block.Bytes); err != nil {
		t.Fatal(err)
	}
	if same, err := client.GetPublicKey(ctx, tag, PublicKeyInput{Version: 1}); err != nil || same != publicPEM {
		t.Fatalf("public key of version 1: %v", err)
	}
}

// The mock's refusals reach the caller classified, in words that say what to do.
func TestMock_cryptoErrors(t *testing.T) {
	ctx := context.Background()
	mock := kmsmock.NewTestServer(t, kmsmock.Options{})
	client, _ := newMockClient(t, mock)
	aes := mockKeyOfType(t, mock, "aes", "AES256", false)
	ec := mockKeyOfType(t, mock, "ecdsa", "ECDSA", false)
	old, err := client.Encrypt(ctx, aes.KeyTag, EncryptInput{Plaintext: []byte("old")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Rotate(ctx, aes.KeyTag, 1); err != nil {
		t.Fatal(err)
	}
	if plain, err := client.Decrypt(ctx, aes.KeyTag, DecryptInput{Ciphertext: old}); err != nil || string(plain) != "old" {
		t.Fatalf("after a rotation: %q, %v", plain, err)
	}
	if _, err := client.DisableVersion(ctx, aes.KeyTag, 1); err != nil {
		t.Fatal(err)
	}
	current, err := client.Encrypt(ctx, aes.KeyTag, EncryptInput{Plaintext: []byte("new"), Context: []byte("ctx")})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		call     func() error
		classify func(error) bool
		want     string
	}{
		{"a disabled version", func() error { _, err := client.Decrypt(ctx, aes.KeyTag, DecryptInput{Ciphertext: old}); return err },
			IsInvalidStatus, "version 1 of the key is disabled"},
		{"a wrong context", func() error {
			_, err := client.Decrypt(ctx, aes.KeyTag, DecryptInput{Ciphertext: current, Context: []byte("x")})
			return err
		}, isBadRequest, "decryption failed"},
		{"a wrong key type", func() error {
			_, err := client.Encrypt(ctx, ec.KeyTag, EncryptInput{Plaintext: []byte("x")})
			return err
		},
			isBadRequest, "ECDSA"},
		{"a public key of an AES key", func() error { _, err := client.GetPublicKey(ctx, aes.KeyTag, PublicKeyInput{}); return err },
			isBadRequest, "AES256"},
		{"an unknown key", func() error {
			_, err := client.Sign(ctx, strings.Repeat("0", 64), SignInput{Data: []byte("x")})
			return err
		}, IsNotFound, "Key not found"},
		{"a token of another key", func() error {
			_, err := client.Encrypt(ctx, aes.KeyTag, EncryptInput{Plaintext: []byte("x"), AccessToken: accessTokenFor(t, mock, client, ec.KeyTag)})
			return err
		}, IsAuthFailure, "the token was rejected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if !tt.classify(err) || IsRetryable(err) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want a %q error", err, tt.want)
			}
		})
	}
}

func isBadRequest(err error) bool {
	e, ok := asAPIError(err)
	return ok && e.StatusCode == http.StatusBadRequest
}

// Crypto calls are retried like reads: a lost answer or a 5xx is followed by another attempt.
func TestMock_cryptoCallsAreRetried(t *testing.T) {
	ctx := context.Background()
	mock := kmsmock.NewTestServer(t, kmsmock.Options{})
	client, _ := newMockClient(t, mock)
	key := mockKeyOfType(t, mock, "retried", "AES256", false)
	mock.InjectFault(kmsmock.Fault{Method: "POST", PathSuffix: "/encrypt", Drop: true})
	mock.InjectFault(kmsmock.Fault{Method: "POST", PathSuffix: "/decrypt", Status: 503})
	ciphertext, err := client.Encrypt(ctx, key.KeyTag, EncryptInput{Plaintext: []byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	if plain, err := client.Decrypt(ctx, key.KeyTag, DecryptInput{Ciphertext: ciphertext}); err != nil || string(plain) != "x" {
		t.Fatalf("decrypt = %q, %v", plain, err)
	}
	if got := shortJournal(mock, key.KeyTag); got != "POST /encrypt 200 dropped, POST /encrypt 200, POST /decrypt 503, POST /decrypt 200" {
		t.Fatalf("journal %q", got)
	}
}

// The secrets of the crypto calls: the values sent and received, and the token.
const (
	testPlaintext = "plaintext-launch-code-4711"
	testDataKey   = "data-key-bytes-9f8e7d6c5b4a"
	testToken     = "access-token-Zq8xW2vB7nM4"
)

// Plaintexts, data keys and tokens never reach a log line or an error, even when a server echoes
// what it received or answers with something unreadable.
func TestCrypto_secretsNeverLoggedNorInErrors(t *testing.T) {
	echo := func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("x-ncp-request-id", string(body)+r.Header.Get("x-ncp-ocapi-token"))
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": "INVALID_REQUEST", "msg": "bad " + string(body),
			"details": r.Header.Get("x-ncp-ocapi-token")})
	}
	secretKey := base64.StdEncoding.EncodeToString([]byte(testDataKey))
	answers := map[string]func(w http.ResponseWriter){
		"decrypt": func(w http.ResponseWriter) { writeSuccess(w, map[string]any{"plaintext": b64(testPlaintext)}) },
		"create-custom-key": func(w http.ResponseWriter) {
			writeSuccess(w, map[string]any{"ciphertext": "c", "key_version": 1, "plaintext": secretKey})
		},
		"bad-plaintext": func(w http.ResponseWriter) {
			writeSuccess(w, map[string]any{"plaintext": "not Base64: " + testPlaintext})
		},
		"bad-json": func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, `{"code":"SUCCESS","data":{"plaintext":"`+testPlaintext+`"x}}`)
		},
	}
	// a 2xx that is not SUCCESS, quoting what the request carried
	answers["not-success"] = func(w http.ResponseWriter) { w.Header().Set("X-Not-Success", "1") }
	var answer func(w http.ResponseWriter)
	handler := func(w http.ResponseWriter, r *http.Request) {
		if answer != nil {
			answer(w)
			if w.Header().Get("X-Not-Success") != "" {
				body, _ := io.ReadAll(r.Body)
				writeJSON(w, http.StatusOK, map[string]any{"code": "FAIL " + r.Header.Get("x-ncp-ocapi-token"), "msg": string(body)})
			}
			return
		}
		echo(w, r)
	}
	server := newEchoServer(t, handler)
	var output bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &output)
	client, _ := newTestClient(t, server)
	plaintext := []byte(testPlaintext)

	var errs []error
	collect := func(_ any, err error) { errs = append(errs, err) }
	for _, token := range []string{"", testToken} {
		answer = nil
		collect(client.Encrypt(ctx, "t1", EncryptInput{Plaintext: plaintext, AccessToken: token}))
		collect(client.Sign(ctx, "t1", SignInput{Data: plaintext, AccessToken: token}))
		collect(client.Verify(ctx, "t1", VerifyInput{Data: plaintext, Signature: "ncpkms:v1:AAAA", AccessToken: token}))
		collect(client.Decrypt(ctx, "t1", DecryptInput{Ciphertext: "ncpkms:v1:AAAA", AccessToken: token}))
		for _, name := range []string{"bad-plaintext", "bad-json", "not-success"} {
			answer = answers[name]
			collect(client.Decrypt(ctx, "t1", DecryptInput{Ciphertext: "ncpkms:v1:AAAA", AccessToken: token}))
			collect(client.Encrypt(ctx, "t1", EncryptInput{Plaintext: plaintext, AccessToken: token}))
		}
		answer = answers["decrypt"]
		if plain, err := client.Decrypt(ctx, "t1", DecryptInput{Ciphertext: "ncpkms:v1:AAAA", AccessToken: token}); err != nil || string(plain) != testPlaintext {
			t.Fatalf("decrypt = %q, %v", plain, err)
		}
		answer = answers["create-custom-key"]
		if key, err := client.CreateCustomKey(ctx, "t1", DataKeyInput{IncludePlaintext: true, AccessToken: token}); err != nil || string(key.Plaintext) != testDataKey {
			t.Fatalf("data key = %v, %v", key, err)
		}
	}

	if output.Len() == 0 {
		t.Fatal("nothing was logged")
	}
	for i, err := range errs {
		if err == nil {
			t.Fatalf("call %d succeeded", i)
		}
		text := err.Error()
		if e, ok := asAPIError(err); ok && e.cause != nil {
			text += " " + e.cause.Error()
		}
		for _, secret := range []string{testPlaintext, b64(testPlaintext), testDataKey, secretKey, testToken} {
			if strings.Contains(text, secret) {
				t.Errorf("error %d quotes %q: %s", i, secret, text)
			}
			if strings.Contains(output.String(), secret) {
				t.Errorf("the log quotes %q: %s", secret, output.String())
			}
		}
	}
	if !strings.Contains(errs[0].Error(), "***") {
		t.Errorf("the echoed plaintext was not masked: %v", errs[0])
	}
}

func b64(text string) string { return base64.StdEncoding.EncodeToString([]byte(text)) }

// newEchoServer is a server that checks no signature (it takes token and signed calls alike); it
// returns its /kms/v1 endpoint.
func newEchoServer(t *testing.T, handler http.HandlerFunc) string {
	t.Helper()
	server := httptest.NewServer(handler)
	t.Cleanup(server.Close)
	return server.URL + "/kms/v1"
}
