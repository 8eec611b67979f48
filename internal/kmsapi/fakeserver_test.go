package kmsapi

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testAccessKey = "EXAMPLEACCESSKEY"
	testSecretKey = "EXAMPLESECRETKEY"
)

// seenRequest is what the fake server received in one request.
type seenRequest struct {
	Method     string
	RequestURI string // exactly as on the request line
	Header     http.Header
	Body       string
}

// fakeServer is an httptest server that checks every signature with its own HMAC code (not
// Sign, so that one bug cannot hide in both) and records requests before a scripted handler
// answers them.
type fakeServer struct {
	*httptest.Server
	mu          sync.Mutex
	requests    []seenRequest
	connections atomic.Int64
}

func newFakeServer(t *testing.T, answer func(w http.ResponseWriter, r *http.Request, n int)) *fakeServer {
	t.Helper()
	fs := &fakeServer{}
	fs.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fs.mu.Lock()
		fs.requests = append(fs.requests, seenRequest{Method: r.Method, RequestURI: r.RequestURI, Header: r.Header.Clone(), Body: string(body)})
		n := len(fs.requests)
		fs.mu.Unlock()

		mac := hmac.New(sha256.New, []byte(testSecretKey))
		mac.Write([]byte(r.Method + " " + r.RequestURI + "\n" + r.Header.Get("x-ncp-apigw-timestamp") + "\n" + r.Header.Get("x-ncp-iam-access-key")))
		want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
		if r.Header.Get("x-ncp-apigw-signature-v2") != want || r.Header.Get("x-ncp-iam-access-key") != testAccessKey {
			t.Errorf("request %d %s %s: bad signature", n, r.Method, r.RequestURI)
			writeJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]any{"errorCode": "200", "message": "Authentication Failed"}})
			return
		}
		answer(w, r, n)
	}))
	fs.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			fs.connections.Add(1)
		}
	}
	fs.Start()
	t.Cleanup(fs.Close)
	return fs
}

func (fs *fakeServer) Requests() []seenRequest {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]seenRequest(nil), fs.requests...)
}

func (fs *fakeServer) Count() int { return len(fs.Requests()) }

// Connections counts the TCP connections the server accepted.
func (fs *fakeServer) Connections() int64 { return fs.connections.Load() }

// endpoint is the server's /kms/v1 base URL.
func (fs *fakeServer) endpoint() string { return fs.URL + "/kms/v1" }

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func writeSuccess(w http.ResponseWriter, data any) {
	writeJSON(w, http.StatusOK, map[string]any{"code": "SUCCESS", "data": data})
}

// dropConnection closes the connection without an answer, as after a network failure.
func dropConnection(t *testing.T, w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	_ = conn.Close()
}

// waitRecorder replaces Config.Sleep: it records each wait and returns at once.
type waitRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (wr *waitRecorder) sleep(ctx context.Context, d time.Duration) error {
	wr.mu.Lock()
	wr.waits = append(wr.waits, d)
	wr.mu.Unlock()
	return ctx.Err()
}

func (wr *waitRecorder) Waits() []time.Duration {
	wr.mu.Lock()
	defer wr.mu.Unlock()
	return append([]time.Duration(nil), wr.waits...)
}

// newTestClient builds a client for endpoint with recorded (instant) waits; adjust tunes the config.
func newTestClient(t *testing.T, endpoint string, adjust ...func(*Config)) (*Client, *waitRecorder) {
	t.Helper()
	waits := &waitRecorder{}
	cfg := Config{
		Endpoint:    endpoint,
		AccessKey:   testAccessKey,
		SecretKey:   testSecretKey,
		MaxAttempts: 4,
		MinBackoff:  10 * time.Millisecond,
		MaxBackoff:  80 * time.Millisecond,
		Sleep:       waits.sleep,
	}
	for _, f := range adjust {
		f(&cfg)
	}
	client, err := NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return client, waits
}
