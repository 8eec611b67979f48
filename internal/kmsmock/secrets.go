package kmsmock

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
)

// The key material of key versions and what it does: DESIGN.md §2.1 and the cryptography
// choices of §10. Every version has its own material, drawn from crypto/rand when the version is
// made (key creation, manual or automatic rotation): AES-256-GCM with a 96-bit nonce for AES256,
// RSA-2048 (OAEP with SHA-256 to encrypt, PSS with SHA-256 to sign) for RSA2048, P-256 (ECDSA with
// SHA-256, ASN.1 DER) for ECDSA. Nothing here is a fixed test key.

// Key types (§2.1).
const (
	keyTypeAES   = "AES256"
	keyTypeRSA   = "RSA2048"
	keyTypeECDSA = "ECDSA"
)

const (
	aesKeyBytes = 32
	rsaBits     = 2048
	// maxRSAPlaintext is the most RSA-OAEP with SHA-256 takes from a 2048-bit key: 256 - 2*32 - 2.
	maxRSAPlaintext = rsaBits/8 - 2*sha256.Size - 2
)

// versionSecret is the key material of one version. AES and P-256 keys are made at once; an
// RSA-2048 key takes tens of milliseconds, so it is made in the background from the moment the
// version exists and the first call that needs it waits (outside the store's lock).
type versionSecret struct {
	keyType string
	aes     []byte
	ec      *ecdsa.PrivateKey
	rsa     *rsa.PrivateKey
	err     error         // a failed generation (not expected: crypto/rand does not fail)
	ready   chan struct{} // closed once the fields above are final
}

// newVersionSecret draws the material of a new version of a key of keyType.
func newVersionSecret(keyType string) *versionSecret {
	v := &versionSecret{keyType: keyType, ready: make(chan struct{})}
	switch keyType {
	case keyTypeAES:
		v.aes = make([]byte, aesKeyBytes)
		_, _ = rand.Read(v.aes) // crypto/rand.Read never fails on supported platforms
	case keyTypeECDSA:
		v.ec, v.err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case keyTypeRSA:
		go func() {
			v.rsa, v.err = rsa.GenerateKey(rand.Reader, rsaBits)
			close(v.ready)
		}()
		return v
	default:
		v.err = fmt.Errorf("kmsmock: no key material for key type %q", keyType)
	}
	close(v.ready)
	return v
}

// wait blocks until the material exists.
func (v *versionSecret) wait() error {
	<-v.ready
	return v.err
}

// errDecryptionFailed answers a ciphertext that this key, version and context cannot open:
// another key's, altered, or sealed with another context (§10).
func errDecryptionFailed() error {
	return errInvalidField("ciphertext", "decryption failed")
}

// binding is what a ciphertext is bound to: the key, the version and the caller's context. It is
// the AES-GCM additional data and the RSA-OAEP label, so a ciphertext opens only under the key and
// version named in its prefix, and only with the context it was sealed with (none when none).
func binding(tag string, version int64, context []byte) []byte {
	b := make([]byte, 0, 64+len(tag)+len(context))
	b = append(b, "ncpkms\x00"...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(tag)))
	b = append(b, tag...)
	b = binary.BigEndian.AppendUint64(b, uint64(version))
	return append(b, context...)
}

// seal encrypts plaintext bound to aad. A convergent AES key derives its key from the context
// and its nonce from the context and the plaintext, so the same plaintext and context give the
// same ciphertext; otherwise the nonce (AES) or the OAEP padding (RSA) is random.
func (v *versionSecret) seal(plaintext, aad, context []byte, convergent bool) ([]byte, error) {
	if err := v.wait(); err != nil {
		return nil, err
	}
	switch v.keyType {
	case keyTypeAES:
		aead, err := v.gcm(context, convergent)
		if err != nil {
			return nil, err
		}
		nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
		if convergent {
			copy(nonce, v.derive("convergent nonce", context, plaintext))
		} else {
			_, _ = rand.Read(nonce) // crypto/rand.Read never fails on supported platforms
		}
		return aead.Seal(nonce, nonce, plaintext, aad), nil
	case keyTypeRSA:
		return rsa.EncryptOAEP(sha256.New(), rand.Reader, &v.rsa.PublicKey, plaintext, aad)
	}
	return nil, fmt.Errorf("kmsmock: a %s key does not encrypt", v.keyType)
}

// open decrypts what seal made; any mismatch is errDecryptionFailed.
func (v *versionSecret) open(sealed, aad, context []byte, convergent bool) ([]byte, error) {
	if err := v.wait(); err != nil {
		return nil, err
	}
	switch v.keyType {
	case keyTypeAES:
		aead, err := v.gcm(context, convergent)
		if err != nil {
			return nil, err
		}
		if len(sealed) < aead.NonceSize()+aead.Overhead() {
			return nil, errDecryptionFailed()
		}
		plaintext, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], aad)
		if err != nil {
			return nil, errDecryptionFailed()
		}
		return plaintext, nil
	case keyTypeRSA:
		plaintext, err := rsa.DecryptOAEP(sha256.New(), nil, v.rsa, sealed, aad)
		if err != nil {
			return nil, errDecryptionFailed()
		}
		return plaintext, nil
	}
	return nil, fmt.Errorf("kmsmock: a %s key does not decrypt", v.keyType)
}

// gcm is AES-256-GCM under the version's key, or for a convergent key under a key derived from
// the context.
func (v *versionSecret) gcm(context []byte, convergent bool) (cipher.AEAD, error) {
	key := v.aes
	if convergent {
		key = v.derive("convergent key", context)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// derive is HMAC-SHA256 under the version's AES key over a purpose and length-prefixed parts.
func (v *versionSecret) derive(purpose string, parts ...[]byte) []byte {
	mac := hmac.New(sha256.New, v.aes)
	mac.Write([]byte(purpose))
	for _, part := range parts {
		mac.Write(binary.BigEndian.AppendUint32(nil, uint32(len(part))))
		mac.Write(part)
	}
	return mac.Sum(nil)
}

// sign signs the SHA-256 digest of data: RSASSA-PSS (salt as long as the hash) or ECDSA in ASN.1 DER.
func (v *versionSecret) sign(data []byte) ([]byte, error) {
	if err := v.wait(); err != nil {
		return nil, err
	}
	digest := sha256.Sum256(data)
	switch v.keyType {
	case keyTypeRSA:
		return rsa.SignPSS(rand.Reader, v.rsa, crypto.SHA256, digest[:], pssOptions)
	case keyTypeECDSA:
		return ecdsa.SignASN1(rand.Reader, v.ec, digest[:])
	}
	return nil, fmt.Errorf("kmsmock: a %s key does not sign", v.keyType)
}

var pssOptions = &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}

// verify reports whether signature is this version's signature of data.
func (v *versionSecret) verify(data, signature []byte) (bool, error) {
	if err := v.wait(); err != nil {
		return false, err
	}
	digest := sha256.Sum256(data)
	switch v.keyType {
	case keyTypeRSA:
		return rsa.VerifyPSS(&v.rsa.PublicKey, crypto.SHA256, digest[:], signature, pssOptions) == nil, nil
	case keyTypeECDSA:
		return ecdsa.VerifyASN1(&v.ec.PublicKey, digest[:], signature), nil
	}
	return false, fmt.Errorf("kmsmock: a %s key does not verify", v.keyType)
}

// publicKeyPEM is the version's public key as a PEM "PUBLIC KEY" block (SubjectPublicKeyInfo).
func (v *versionSecret) publicKeyPEM() (string, error) {
	if err := v.wait(); err != nil {
		return "", err
	}
	var public any
	switch v.keyType {
	case keyTypeRSA:
		public = &v.rsa.PublicKey
	case keyTypeECDSA:
		public = &v.ec.PublicKey
	default:
		return "", errors.New("kmsmock: a " + v.keyType + " key has no public key")
	}
	der, err := x509.MarshalPKIXPublicKey(public)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}
