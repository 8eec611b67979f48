package kmsapi

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestParseErrorBody_everyShape(t *testing.T) {
	long := strings.Repeat("x", 500)
	tests := []struct {
		name, body, wantCode, wantMessage string
		status                            int
	}{
		{"code and msg", `{"code":"NOT_FOUND","msg":"key not found"}`, "NOT_FOUND", "key not found", 404},
		{"code and message", `{"code":"CONFLICT","message":"name in use"}`, "CONFLICT", "name in use", 409},
		{"errorCode and errorMessage", `{"errorCode":"INVALID_REQUEST","errorMessage":"keyName is invalid"}`, "INVALID_REQUEST", "keyName is invalid", 400},
		{"gateway nested error", `{"error":{"errorCode":"200","message":"Authentication Failed","details":"Invalid signature"}}`, "200", "Authentication Failed (Invalid signature)", 401},
		{"numeric gateway code", `{"error":{"errorCode":210,"message":"Permission Denied"}}`, "210", "Permission Denied", 401},
		{"v3 nested code", `{"error":{"code":"AlreadyExists","message":"duplicate"}}`, "AlreadyExists", "duplicate", 409},
		{"error as string", `{"error":"upstream timeout"}`, "", "upstream timeout", 504},
		{"html", "<html><body>502 Bad Gateway</body></html>", "", "<html><body>502 Bad Gateway</body></html>", 502},
		{"empty", "", "", "Service Unavailable", 503},
		{"json without known fields", `{"foo":1}`, "", `{"foo":1}`, 500},
		{"long text truncated", long, "", strings.Repeat("x", maxBodyExcerpt) + "…", 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, message := parseErrorBody(tt.status, []byte(tt.body), singleLine)
			if code != tt.wantCode || message != tt.wantMessage {
				t.Errorf("got (%q, %q), want (%q, %q)", code, message, tt.wantCode, tt.wantMessage)
			}
		})
	}
}

func TestNewHTTPError_clockSkewOn401(t *testing.T) {
	local := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name     string
		date     string
		wantSkew time.Duration
	}{
		{"server 10 minutes ahead", local.Add(10 * time.Minute).Format(http.TimeFormat), 10 * time.Minute},
		{"server 6 minutes behind", local.Add(-6 * time.Minute).Format(http.TimeFormat), -6 * time.Minute},
		{"small drift", local.Add(2 * time.Minute).Format(http.TimeFormat), 0},
		{"no Date header", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &http.Response{StatusCode: 401, Header: http.Header{}}
			if tt.date != "" {
				resp.Header.Set("Date", tt.date)
			}
			body := `{"error":{"errorCode":"200","message":"Authentication Failed","details":"timestamp expired"}}`
			e := newHTTPError("GET", "/kms/v1/keys", resp, []byte(body), local, redactor())
			if e.ClockSkew != tt.wantSkew {
				t.Fatalf("ClockSkew = %v, want %v", e.ClockSkew, tt.wantSkew)
			}
			msg := e.Error()
			if tt.wantSkew != 0 {
				for _, want := range []string{"request timestamp was rejected", "clock", tt.wantSkew.Abs().String()} {
					if !strings.Contains(msg, want) {
						t.Errorf("message %q lacks %q", msg, want)
					}
				}
			} else if !strings.Contains(msg, "credentials were rejected") || !strings.Contains(msg, "secret key") {
				t.Errorf("message %q does not blame the credentials", msg)
			}
		})
	}
}

func TestAPIError_classifiers(t *testing.T) {
	wrapped := func(e *APIError) error { return errors.Join(errors.New("context"), e) }
	tests := []struct {
		err                                                     error
		notFound, invalid, conflict, throttled, auth, retryable bool
	}{
		{err: wrapped(&APIError{StatusCode: 404, Code: "NOT_FOUND"}), notFound: true},
		{err: &APIError{StatusCode: 422, Code: "UNPROCESSABLE_ENTITY"}, invalid: true},
		{err: &APIError{StatusCode: 409, Code: "CONFLICT"}, conflict: true},
		{err: &APIError{StatusCode: 429, Code: "TOO_MANY_REQUESTS"}, throttled: true, retryable: true},
		{err: &APIError{StatusCode: 401, Code: "200"}, auth: true},
		{err: &APIError{StatusCode: 403, Code: "230"}, auth: true},
		{err: &APIError{StatusCode: 400, Code: "INVALID_REQUEST"}},
		{err: &APIError{StatusCode: 502}, retryable: true},
		{err: &APIError{StatusCode: 0, cause: syscall.ECONNRESET}, retryable: true},
		{err: &APIError{StatusCode: 0, cause: context.Canceled, stopped: true}},
		{err: errors.New("plain")},
		// The status of an error answer decides, whatever code its body names.
		{err: &APIError{StatusCode: 500, Code: "NOT_FOUND"}, retryable: true},
		{err: &APIError{StatusCode: 503, Code: "TOO_MANY_REQUESTS"}, retryable: true},
		{err: &APIError{StatusCode: 400, Code: "CONFLICT"}},
		{err: &APIError{StatusCode: 401, Code: "UNPROCESSABLE_ENTITY"}, auth: true},
		// A failure reported inside a 2xx envelope has only its code to go by.
		{err: &APIError{StatusCode: 200, Code: "NOT_FOUND"}, notFound: true},
		{err: &APIError{StatusCode: 200, Code: "CONFLICT"}, conflict: true},
	}
	for _, tt := range tests {
		got := []bool{IsNotFound(tt.err), IsInvalidStatus(tt.err), IsConflict(tt.err), IsThrottled(tt.err), IsAuthFailure(tt.err), IsRetryable(tt.err)}
		want := []bool{tt.notFound, tt.invalid, tt.conflict, tt.throttled, tt.auth, tt.retryable}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%v: classifier %d = %v, want %v", tt.err, i, got[i], want[i])
			}
		}
	}
}

// A server that echoes the credentials and the signature must not get them into Error().
func TestAPIError_neverContainsSecrets(t *testing.T) {
	fs := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		echo := "ak=" + r.Header.Get("x-ncp-iam-access-key") + " sig=" + r.Header.Get("x-ncp-apigw-signature-v2") + " sk=" + testSecretKey
		w.Header().Set("x-ncp-request-id", "req-"+testAccessKey)
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": "INVALID_" + testSecretKey, "msg": echo})
	})
	client, _ := newTestClient(t, fs.endpoint())
	_, err := client.GetKey(context.Background(), "tag")
	if err == nil {
		t.Fatal("want an error")
	}
	signature := fs.Requests()[0].Header.Get("x-ncp-apigw-signature-v2")
	for _, secret := range []string{testSecretKey, testAccessKey, signature} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error %q contains %q", err, secret)
		}
	}
	if !strings.Contains(err.Error(), "ak=***") {
		t.Errorf("error %q lost the rest of the server message", err)
	}
}

func TestAPIError_transportErrorKeepsCause(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	endpoint := "http://" + listener.Addr().String() + "/kms/v1"
	_ = listener.Close() // nothing listens: connection refused

	client, _ := newTestClient(t, endpoint, func(c *Config) { c.MaxAttempts = 1 })
	_, err = client.GetKey(context.Background(), "tag")
	apiErr, ok := asAPIError(err)
	if !ok || apiErr.StatusCode != 0 {
		t.Fatalf("want an APIError with StatusCode 0, got %#v", err)
	}
	if errors.Unwrap(err) == nil || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("cause not kept: %v", errors.Unwrap(err))
	}
	if !IsRetryable(err) {
		t.Error("a refused connection should be retryable")
	}
	if !strings.Contains(err.Error(), "GET /kms/v1/keys/tag") {
		t.Errorf("error %q does not name the call", err)
	}
}

func TestAPIError_adviceNamesTheCause(t *testing.T) {
	tests := []struct {
		err  *APIError
		want string // "" means no advice
	}{
		{&APIError{StatusCode: 401, ClockSkew: 10 * time.Minute}, "The request timestamp was rejected: this machine's clock is 10m0s behind"},
		{&APIError{StatusCode: 401, ClockSkew: -7 * time.Minute}, "this machine's clock is 7m0s ahead of the KMS server's clock"},
		{&APIError{StatusCode: 401}, "The credentials were rejected: check the access key and the secret key"},
		{&APIError{StatusCode: 403}, "These credentials are not allowed to make this call: check the sub account's KMS policy."},
		{&APIError{StatusCode: 404, Code: "NOT_FOUND"}, ""},
		{&APIError{StatusCode: 0, Message: "connection refused"}, ""},
	}
	for _, tt := range tests {
		got := tt.err.Advice()
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("HTTP %d: Advice() = %q, want %q", tt.err.StatusCode, got, tt.want)
		}
		if got != "" && !strings.Contains(tt.err.Error(), strings.ToLower(got[:1])+got[1:]) {
			t.Errorf("Error() %q does not carry the advice %q", tt.err.Error(), got)
		}
	}
}

// A secret that a cut would split is removed before the cut, so no part of it survives.
func TestNewHTTPError_redactsBeforeCutting(t *testing.T) {
	secret := "cutSecretKey0123456789abcdefghijABCDEFGHIJ"
	bodies := map[string]string{
		"text":    strings.Repeat("0", maxBodyExcerpt-10) + secret,
		"details": `{"code":"X","msg":"m","details":"` + strings.Repeat("d", maxBodyExcerpt-10) + secret + `"}`,
		"message": `{"code":"X","msg":"` + strings.Repeat("m", maxMessageLength-10) + secret + `"}`,
	}
	for name, body := range bodies {
		e := newHTTPError("GET", "/kms/v1/keys", &http.Response{StatusCode: 500, Header: http.Header{}}, []byte(body), time.Now(), redactor(secret))
		if msg := e.Error(); strings.Contains(msg, secret[:8]) {
			t.Errorf("%s: %q keeps part of the secret", name, msg)
		}
	}
}

func TestNewHTTPError_boundedSingleLine(t *testing.T) {
	body := `{"code":"` + strings.Repeat("C", 1000) + `","msg":"line one\nline two\u001b[31m` + strings.Repeat("m", 5000) + `"}`
	resp := &http.Response{StatusCode: 502, Header: http.Header{}}
	resp.Header.Set("x-ncp-request-id", strings.Repeat("r", 1000))
	msg := newHTTPError("GET", "/kms/v1/keys", resp, []byte(body), time.Now(), redactor()).Error()
	if len(msg) > 1200 {
		t.Errorf("Error() is %d bytes long", len(msg))
	}
	if strings.ContainsAny(msg, "\n\x1b") || !strings.Contains(msg, "line one line two [31m") {
		t.Errorf("Error() is not one clean line: %q", msg)
	}
}
