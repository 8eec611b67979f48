package kmsmock

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// Each version of each key has its own material, drawn afresh: no two keys, versions or mocks
// share a key, so nothing can pass with a fixed test key.
func TestEveryVersionHasItsOwnKeyMaterial(t *testing.T) {
	seen := map[string]string{}
	remember := func(what, material string) {
		t.Helper()
		if material == "" {
			t.Fatalf("%s has no key material", what)
		}
		if earlier, ok := seen[material]; ok {
			t.Fatalf("%s has the key material of %s", what, earlier)
		}
		seen[material] = what
	}
	for mock := range 2 {
		s := New(Options{})
		for _, keyType := range keyTypes {
			k := mustCreate(t, s, KeySpec{Name: "own-" + keyType[:3], Type: keyType})
			if _, err := s.RotateKey(k.KeyTag); err != nil {
				t.Fatal(err)
			}
			record, err := s.store.get(k.KeyTag)
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range record.versions {
				if v.secret == nil || v.secret.keyType != keyType {
					t.Fatalf("version %d of a %s key has material %+v", i+1, keyType, v.secret)
				}
				what := fmt.Sprintf("mock %d, %s key, version %d", mock+1, keyType, i+1)
				switch keyType {
				case keyTypeAES:
					remember(what, string(v.secret.aes))
				default:
					pem, err := v.secret.publicKeyPEM()
					if err != nil {
						t.Fatal(err)
					}
					remember(what, pem)
				}
			}
		}
	}
}

func TestBindingTellsKeysVersionsAndContextsApart(t *testing.T) {
	tag := strings.Repeat("a", 64)
	bindings := [][]byte{
		binding(tag, 1, nil),
		binding(tag, 2, nil),
		binding(tag, 1, []byte("c")),
		binding(tag+"b", 1, nil),
		binding(tag[:63], 1, []byte("a")), // a shorter tag cannot borrow the context's bytes
	}
	for i := range bindings {
		for j := range i {
			if bytes.Equal(bindings[i], bindings[j]) {
				t.Fatalf("bindings %d and %d are equal: %q", j, i, bindings[i])
			}
		}
	}
}

func TestParseSealed(t *testing.T) {
	for text, want := range map[string]int64{
		"ncpkms:v1:AAAA": 1, "ncpkms:v100:AQID": 100, "ncpkms:v42:YWJj": 42,
		"ncpkms:v0:AAAA": 0, "ncpkms:v101:AAAA": 0, "ncpkms:v01:AAAA": 0, "ncpkms:v+1:AAAA": 0, "ncpkms:v1:": 0,
		"ncpkms:v1:AAA": 0, "ncpkms:v1:AA=A": 0, "ncpkms:v1:AAAA\n": 0, "NCPKMS:v1:AAAA": 0, "ncpkms:1:AAAA": 0,
		"ncpkms:v1": 0, "": 0, "AAAA": 0, "ncpkms:v1:AA-_": 0,
	} {
		n, sealed, err := parseSealed("ciphertext", text)
		switch {
		case want == 0 && (err == nil || !strings.Contains(err.Error(), "400 INVALID_REQUEST: Invalid request: ciphertext must have the form")):
			t.Errorf("parseSealed(%q) = %d, %v; want a 400 naming the form", text, n, err)
		case want != 0 && (err != nil || n != want || len(sealed) == 0 || formatSealed(n, sealed) != text):
			t.Errorf("parseSealed(%q) = %d, %x, %v; want version %d", text, n, sealed, err, want)
		}
	}
}

// A signature of another key, of the same version, is not valid for this one: verify says so
// without an error.
func TestVerifyOfAnotherKeysSignature(t *testing.T) {
	c := newTestClient(t, Options{})
	a := mustCreate(t, c.server, KeySpec{Name: "signer-a", Type: keyTypeECDSA})
	b := mustCreate(t, c.server, KeySpec{Name: "signer-b", Type: keyTypeECDSA})
	signature := signText(t, c, a.KeyTag, "data")
	if !verifyText(t, c, a.KeyTag, "data", signature) || verifyText(t, c, b.KeyTag, "data", signature) {
		t.Fatal("a signature is valid for its own key only")
	}
}
