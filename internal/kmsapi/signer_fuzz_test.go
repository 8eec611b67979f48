package kmsapi

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

// FuzzSign checks Sign against an HMAC-SHA256 written here from the hash alone (RFC 2104), and
// checks that a request the client signs and writes to the wire is accepted by the mock's own
// verifier once the mock has read it back, for any method, request URI (query strings and escapes
// included), timestamp and key pair.
func FuzzSign(f *testing.F) {
	f.Add("GET", "/kms/v1/keys?pageNo=1&pageSize=20", "1700000000000", "EXAMPLEACCESSKEY", "EXAMPLESECRETKEY")
	f.Add("POST", "/kms/v1/keys", "1700000000000", "EXAMPLEACCESSKEY", "EXAMPLESECRETKEY")
	f.Add("DELETE", "/kms/v1/keys/a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7r8s9t0u1v2w3x4y5z6", "1700000000000", "EXAMPLEACCESSKEY", "EXAMPLESECRETKEY")
	f.Add("PUT", "/kms/v1/keys/odd%20tag%2F1/name?x=%41&y=a+b&y=%zz", "0", "AK", "s3cr3t\x00with\xffbytes")
	f.Add("get", "/kms/v1/keys/%E2%82%AC?q=%E2%82%AC&empty=&=v#fragment", "99999999999999", "MOCKACCESSKEY0000001", "mockSecretKeyForLocalTestsOnly0000000001")
	f.Add("", "", "", "", "")
	f.Add("PATCH", "/kms/v1//keys/../keys/./x;y=z?%3F=%26&a[]=1", "-1", " spaced key ", strings.Repeat("k", 65))

	f.Fuzz(func(t *testing.T, method, uri, timestamp, accessKey, secretKey string) {
		signature := Sign(method, uri, timestamp, accessKey, secretKey)
		if again := Sign(method, uri, timestamp, accessKey, secretKey); again != signature {
			t.Fatalf("not deterministic: %q then %q", signature, again)
		}
		mac, err := base64.StdEncoding.DecodeString(signature)
		if err != nil || len(mac) != sha256.Size || base64.StdEncoding.EncodeToString(mac) != signature {
			t.Fatalf("signature %q is not the standard base64 of 32 bytes (err %v)", signature, err)
		}
		var message bytes.Buffer
		for _, part := range []string{method, " ", uri, "\n", timestamp, "\n", accessKey} {
			message.WriteString(part)
		}
		if want := referenceHMACSHA256([]byte(secretKey), message.Bytes()); !bytes.Equal(mac, want) {
			t.Fatalf("Sign = %x, reference HMAC-SHA256 = %x", mac, want)
		}
		checkMockAcceptsSignedRequest(t, method, uri, timestamp, accessKey, secretKey)
	})
}

// referenceHMACSHA256 is RFC 2104 spelled out, so that the check does not share crypto/hmac with Sign.
func referenceHMACSHA256(key, message []byte) []byte {
	const blockSize = 64
	if len(key) > blockSize {
		sum := sha256.Sum256(key)
		key = sum[:]
	}
	inner, outer := make([]byte, blockSize), make([]byte, blockSize)
	copy(inner, key)
	copy(outer, key)
	for i := range blockSize {
		inner[i] ^= 0x36
		outer[i] ^= 0x5c
	}
	innerHash := sha256.New()
	innerHash.Write(inner)
	innerHash.Write(message)
	outerHash := sha256.New()
	outerHash.Write(outer)
	outerHash.Write(innerHash.Sum(nil))
	return outerHash.Sum(nil)
}

// fallbackMillis is the timestamp used when the fuzzed one is not one the client could send.
const fallbackMillis = 1700000000000

// checkMockAcceptsSignedRequest sends a request for uri (under /kms/v1) through the client's own
// signing, the way net/http writes it, and has the mock read and verify it. The mock's gateway
// clock is set to the request's timestamp. Inputs that no real request could carry are skipped:
// a method net/http refuses, a URL it cannot parse, a key that is not a valid header value.
func checkMockAcceptsSignedRequest(t *testing.T, method, uri, timestamp, accessKey, secretKey string) {
	if accessKey == "" || secretKey == "" || !survivesAsHeaderValue(accessKey) || method == http.MethodConnect {
		return
	}
	requestURI := uri
	if !strings.HasPrefix(uri, "/kms/v1") {
		requestURI = "/kms/v1/" + strings.TrimPrefix(uri, "/")
	}
	req, err := http.NewRequest(method, "http://127.0.0.1"+requestURI, nil)
	if err != nil {
		return
	}
	millis, ok := clientMillis(timestamp)
	if !ok {
		millis = fallbackMillis
	}
	signature := signRequest(req, time.UnixMilli(millis), accessKey, secretKey)
	sentTimestamp := req.Header.Get(headerTimestamp)
	if sentTimestamp != strconv.FormatInt(millis, 10) {
		t.Fatalf("timestamp header %q, want %d", sentTimestamp, millis)
	}
	if want := Sign(req.Method, req.URL.RequestURI(), sentTimestamp, accessKey, secretKey); signature != want {
		t.Fatalf("signRequest signed something other than the request line: %q, want %q", signature, want)
	}

	var wire bytes.Buffer
	if err := req.Write(&wire); err != nil {
		return
	}
	received, err := http.ReadRequest(bufio.NewReader(&wire))
	if err != nil {
		return // a request line no server reads (e.g. a space in the query): nothing was signed wrongly
	}
	mock := kmsmock.New(kmsmock.Options{AccessKey: accessKey, SecretKey: secretKey, Start: time.UnixMilli(millis)})
	answer := httptest.NewRecorder()
	mock.Handler().ServeHTTP(answer, received)
	if len(mock.Journal()) == 1 && answer.Code == http.StatusUnauthorized {
		t.Fatalf("the mock refused the signed request %s %q (sent as %q): %s",
			req.Method, req.URL.RequestURI(), received.RequestURI, answer.Body.String())
	}
}

// clientMillis reads a timestamp the client could have produced: canonical decimal milliseconds
// between 1970 and the year 9999.
func clientMillis(timestamp string) (int64, bool) {
	millis, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil || millis < 0 || millis > 253402300799999 || strconv.FormatInt(millis, 10) != timestamp {
		return 0, false
	}
	return millis, true
}

// survivesAsHeaderValue: net/http's transport refuses control characters in a header value, and a
// server trims white space around it, so only such values arrive as they were set.
func survivesAsHeaderValue(value string) bool {
	if strings.TrimSpace(value) != value || strings.Trim(value, "\t") != value {
		return false
	}
	for i := 0; i < len(value); i++ {
		if b := value[i]; (b < 0x20 && b != '\t') || b == 0x7f {
			return false
		}
	}
	return true
}
