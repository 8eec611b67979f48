package kmsapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"time"
)

// Headers of NCloud API Gateway signature v2 (DESIGN.md §1.2).
const (
	headerTimestamp = "x-ncp-apigw-timestamp"
	headerAccessKey = "x-ncp-iam-access-key"
	headerSignature = "x-ncp-apigw-signature-v2"
	headerRequestID = "x-ncp-request-id"
	// headerToken carries a token instead of the three signature headers (§1.2).
	headerToken = "x-ncp-ocapi-token"
)

// Sign returns the signature v2 of one request: standard base64 of HMAC-SHA256, keyed by the
// secret key, over "METHOD requestURI\ntimestamp\naccessKey". requestURI is the path plus "?" and
// the raw query exactly as they appear on the request line; the body is not signed.
func Sign(method, requestURI, timestamp, accessKey, secretKey string) string {
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(method + " " + requestURI + "\n" + timestamp + "\n" + accessKey))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// signRequest stamps req with a fresh timestamp and its signature, and returns the signature so
// that the caller can mask it in logs and error text. It signs req.URL.RequestURI(), which is
// exactly what net/http writes on the request line.
func signRequest(req *http.Request, now time.Time, accessKey, secretKey string) string {
	timestamp := strconv.FormatInt(now.UnixMilli(), 10)
	signature := Sign(req.Method, req.URL.RequestURI(), timestamp, accessKey, secretKey)
	req.Header.Set(headerTimestamp, timestamp)
	req.Header.Set(headerAccessKey, accessKey)
	req.Header.Set(headerSignature, signature)
	return signature
}
