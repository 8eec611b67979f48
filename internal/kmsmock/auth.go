package kmsmock

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Account-auth headers of DESIGN.md §1.2.
const (
	headerTimestamp = "x-ncp-apigw-timestamp"
	headerAccessKey = "x-ncp-iam-access-key"
	headerSignature = "x-ncp-apigw-signature-v2"
)

// maxClockSkew: the gateway rejects a timestamp this far or farther from its clock.
const maxClockSkew = 5 * time.Minute

// signatureV2 is the mock's own implementation of §1.3 (it must not share the client's signer,
// so that one bug cannot hide in both).
func signatureV2(method, requestURI, timestamp, accessKey, secretKey string) string {
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(method + " " + requestURI + "\n" + timestamp + "\n" + accessKey))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// authError is a gateway refusal; details says which check failed.
type authError struct{ details string }

func (e *authError) Error() string { return "kmsmock: authentication failed: " + e.details }

// authenticate checks the three signature headers against the received request line and the mock
// clock, in the order a gateway would: presence, timestamp, access key, signature.
func authenticate(r *http.Request, accessKey, secretKey string, now time.Time) error {
	for _, name := range []string{headerTimestamp, headerAccessKey, headerSignature} {
		if r.Header.Get(name) == "" {
			return &authError{"missing header " + name}
		}
	}
	timestamp := r.Header.Get(headerTimestamp)
	gotKey := r.Header.Get(headerAccessKey)
	signature := r.Header.Get(headerSignature)
	millis, err := parseTimestamp(timestamp)
	if err != nil {
		return &authError{err.Error()}
	}
	if skew := now.Sub(time.UnixMilli(millis)).Abs(); skew >= maxClockSkew {
		return &authError{fmt.Sprintf("timestamp %s is %v off the server clock (limit %v)", timestamp, skew.Round(time.Second), maxClockSkew)}
	}
	if subtle.ConstantTimeCompare([]byte(gotKey), []byte(accessKey)) != 1 {
		return &authError{"unknown access key"}
	}
	want := signatureV2(r.Method, r.URL.RequestURI(), timestamp, gotKey, secretKey)
	if subtle.ConstantTimeCompare([]byte(signature), []byte(want)) != 1 {
		return &authError{"signature mismatch"}
	}
	return nil
}

// parseTimestamp accepts decimal milliseconds only (no sign, no spaces).
func parseTimestamp(s string) (int64, error) {
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("timestamp %q is not decimal milliseconds", s)
		}
	}
	ms, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("timestamp %q is not decimal milliseconds", s)
	}
	return ms, nil
}

// gatewayError is the 401 body of §9.
type gatewayError struct {
	Error struct {
		ErrorCode string `json:"errorCode"`
		Message   string `json:"message"`
		Details   string `json:"details"`
	} `json:"error"`
}

func (e *authError) body() gatewayError {
	var g gatewayError
	g.Error.ErrorCode = "200"
	g.Error.Message = "Authentication Failed"
	g.Error.Details = e.details
	return g
}
