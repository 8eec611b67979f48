package kmsapi

import (
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode"
)

// Credentials of FuzzDecodeError, shaped like NCloud's (letters and digits) so that no fixed
// text of a message can contain them by chance; every 12-character run of them has a letter.
// The access token and the plaintext (raw, and the Base64 a crypto call sends) are the secrets of
// a crypto call, masked the same way.
const (
	fuzzAccessKey       = "FUZZACCESSKEY7Q2W4E6R"
	fuzzSecretKey       = "fuzzSecretKey9x7Q2w4E6r8T0yU1iO3pA5sD7fG9"
	fuzzSignature       = "Zm9vYmFy+/c2lnbmF0dXJlMDEyMzQ1Njc4OWFiY2Q="
	fuzzToken           = "fuzzAccessTokenX9c8V7b6N5m4Q3w2"
	fuzzPlaintext       = "fuzzPlaintextLaunchCode7Q2w4E6r"
	fuzzPlaintextBase64 = "ZnV6elBsYWludGV4dExhdW5jaENvZGU3UTJ3NEU2cg=="
)

// fuzzSecrets are every value FuzzDecodeError's redactor removes.
var fuzzSecrets = []string{fuzzSecretKey, fuzzAccessKey, fuzzSignature, fuzzToken, fuzzPlaintext, fuzzPlaintextBase64}

// maxErrorLength bounds Error() of an HTTP error with a short method and path: the fixed text,
// the code, the message with its details and the request id, each at its limit.
const maxErrorLength = 1000 + maxCodeLength + maxMessageLength + maxBodyExcerpt + maxRequestIDLength

// FuzzDecodeError feeds newHTTPError arbitrary statuses, bodies and headers. It must never panic;
// Error() must never contain a credential, the signature, a token or a plaintext (not even 12
// characters of one that the answer carried in full: redaction comes before any cut), must stay on
// one line within maxErrorLength, and the classification must follow the HTTP status.
func FuzzDecodeError(f *testing.F) {
	f.Add(401, []byte(`{"error":{"errorCode":"200","message":"Authentication Failed","details":"signature mismatch"}}`),
		"req-1", time.Date(2025, 1, 2, 3, 14, 5, 0, time.UTC).Format(http.TimeFormat), "", uint16(0))
	f.Add(404, []byte(`{"code":"NOT_FOUND","msg":"Key not found: `+fuzzSecretKey+`"}`), "req-"+fuzzAccessKey, "", "", uint16(0))
	f.Add(500, []byte(`{"code":"NOT_FOUND","msg":"internal"}`), "", "", "", uint16(3))
	f.Add(429, []byte(`{"code":"TOO_MANY_REQUESTS","msg":"slow down"}`), "", "Thu, 02 Jan 2025 03:04:05 GMT", "Thu, 02 Jan 2025 03:09:05 GMT", uint16(0))
	f.Add(502, []byte("<html>"+strings.Repeat("bad gateway ", 20)+"</html>"), "", "", "1", uint16(190))
	f.Add(400, []byte(`{"errorCode":"INVALID_REQUEST","errorMessage":"keyName \u0066uzz\n\t\u001b[31m","details":{"field":"keyName"}}`), "id\r\nx", "", "", uint16(40))
	f.Add(403, []byte(`{"error":"`+fuzzSignature+`"}`), "", "", "", uint16(12))
	f.Add(-7, []byte{0xff, 0xfe, 0x00, '{'}, "\x00", "not a date", "-5", uint16(65535))
	f.Add(400, []byte(`{"code":"INVALID_REQUEST","msg":"plaintext `+fuzzPlaintextBase64+` is too long"}`), "req-"+fuzzPlaintext, "", "", uint16(0))
	f.Add(401, []byte(`{"error":{"errorCode":"200","message":"Authentication Failed","details":"token `+fuzzToken+` expired"}}`), "", "", "", uint16(0))

	f.Fuzz(func(t *testing.T, status int, body []byte, requestID, date, retryAfter string, insertAt uint16) {
		if status < 100 || status > 999 {
			status = 100 + nonNegative(status)%900 // what an HTTP response can carry
		}
		// Half the inputs also carry the secret key at a chosen place, to meet every cut.
		withSecret := body
		if insertAt%2 == 1 {
			at := int(insertAt/2) % (len(body) + 1)
			withSecret = append(append(append([]byte(nil), body[:at]...), fuzzSecretKey...), body[at:]...)
		}
		resp := &http.Response{StatusCode: status, Header: http.Header{}}
		resp.Header.Set(headerRequestID, requestID)
		resp.Header.Set("Date", date)
		resp.Header.Set("Retry-After", retryAfter)
		now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

		e := newHTTPError("GET", "/kms/v1/keys/tag", resp, withSecret, now, redactor(fuzzSecrets...))
		message := e.Error()

		for _, secret := range fuzzSecrets {
			if strings.Contains(message, secret) {
				t.Fatalf("Error() contains a secret: %q", message)
			}
		}
		// Any 12 characters of a secret that the input carried only in full come from a cut made
		// before redaction. (A backslash could hide characters from this input scan, so skip those.)
		for _, secret := range []string{fuzzSecretKey, fuzzAccessKey, fuzzToken, fuzzPlaintext} {
			input := string(withSecret) + requestID
			if strings.Contains(input, `\`) || containsRunOf(strings.ReplaceAll(input, secret, " "), secret) {
				continue
			}
			if containsRunOf(message, secret) {
				t.Fatalf("Error() contains part of a secret: %q", message)
			}
		}
		if len(message) > maxErrorLength {
			t.Fatalf("Error() is %d bytes long, over %d", len(message), maxErrorLength)
		}
		if strings.ContainsFunc(message, unicode.IsControl) {
			t.Fatalf("Error() contains a control character: %q", message)
		}
		checkClassification(t, e, status)
		if e.retryAfter < 0 || e.retryAfter > maxRetryAfter {
			t.Fatalf("retry after %v, outside 0..%v", e.retryAfter, maxRetryAfter)
		}
	})
}

// checkClassification: for an error answer the status alone decides the class (DESIGN.md §9).
func checkClassification(t *testing.T, e *APIError, status int) {
	t.Helper()
	if status >= 200 && status <= 299 {
		return // newHTTPError never sees a success status; a code in a 2xx envelope is decodeData's business
	}
	got := map[string]bool{
		"not found": IsNotFound(e), "invalid status": IsInvalidStatus(e), "conflict": IsConflict(e),
		"throttled": IsThrottled(e), "auth failure": IsAuthFailure(e), "retryable": IsRetryable(e),
	}
	want := map[string]bool{
		"not found": status == 404, "invalid status": status == 422, "conflict": status == 409,
		"throttled": status == 429, "auth failure": status == 401 || status == 403,
		"retryable": status == 429 || (status >= 500 && status <= 599),
	}
	for class := range want {
		if got[class] != want[class] {
			t.Fatalf("HTTP %d (code %q): %s = %v, want %v", status, e.Code, class, got[class], want[class])
		}
	}
	if e.ClockSkew != 0 && status != http.StatusUnauthorized {
		t.Fatalf("clock skew %v reported on HTTP %d", e.ClockSkew, status)
	}
}

// containsRunOf reports whether text contains 12 consecutive characters of secret.
func containsRunOf(text, secret string) bool {
	const run = 12
	for i := 0; i+run <= len(secret); i++ {
		if strings.Contains(text, secret[i:i+run]) {
			return true
		}
	}
	return false
}

func nonNegative(n int) int {
	if n < 0 {
		if -n < 0 { // the smallest int has no positive counterpart
			return 0
		}
		return -n
	}
	return n
}
