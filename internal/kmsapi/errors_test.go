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
			code, message := parseErrorBody(tt.status, []byte(tt.body))
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
