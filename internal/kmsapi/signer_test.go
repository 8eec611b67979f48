package kmsapi

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// The three vectors of DESIGN.md §9.
func TestSign_documentedVectors(t *testing.T) {
	tests := []struct {
		method, uri, want string
	}{
		{"GET", "/kms/v1/keys?pageNo=1&pageSize=20", "FMmugP0zXTG+N1CFMGLf/0ko2Vm7podaVtRHMzNRGbM="},
		{"POST", "/kms/v1/keys", "/fWgILuo9tnXA2WlT5edjuppoEZsWHcOdV81KJXN39s="},
		{"DELETE", "/kms/v1/keys/a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7r8s9t0u1v2w3x4y5z6", "6KUVMi5GovTybcB059G6/aLbrMEdtKGlWgxDhy4M524="},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			got := Sign(tt.method, tt.uri, "1700000000000", "EXAMPLEACCESSKEY", "EXAMPLESECRETKEY")
			if got != tt.want {
				t.Errorf("Sign(%s %s) = %s, want %s", tt.method, tt.uri, got, tt.want)
			}
		})
	}
}

func TestSignRequest_setsHeadersFromTheRequestLine(t *testing.T) {
	req, err := http.NewRequest(http.MethodGet, "https://ocapi.ncloud.com/kms/v1/keys?pageNo=1&pageSize=20", nil)
	if err != nil {
		t.Fatal(err)
	}
	signature := signRequest(req, time.UnixMilli(1700000000000), "EXAMPLEACCESSKEY", "EXAMPLESECRETKEY")

	want := map[string]string{
		"x-ncp-apigw-timestamp":    "1700000000000",
		"x-ncp-iam-access-key":     "EXAMPLEACCESSKEY",
		"x-ncp-apigw-signature-v2": "FMmugP0zXTG+N1CFMGLf/0ko2Vm7podaVtRHMzNRGbM=",
	}
	for name, value := range want {
		if got := req.Header.Get(name); got != value {
			t.Errorf("header %s = %q, want %q", name, got, value)
		}
	}
	if signature != want["x-ncp-apigw-signature-v2"] {
		t.Errorf("returned signature %q", signature)
	}
}

// The server recomputes the signature from the request line it received; the list query and an
// escaped key tag must be signed byte for byte as sent.
func TestClient_signsQueryAndEscapedPathAsSent(t *testing.T) {
	fs := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.URL.Path == "/kms/v1/keys" {
			writeSuccess(w, map[string]any{"keyList": []any{}, "currentPageNo": 1, "totalPageNo": 1})
			return
		}
		writeSuccess(w, map[string]any{"keyTag": "odd tag/1"})
	})
	client, _ := newTestClient(t, fs.endpoint()+"/")

	if _, err := client.ListKeys(context.Background()); err != nil {
		t.Fatalf("ListKeys: %v", err)
	}
	if _, err := client.GetKey(context.Background(), "odd tag/1"); err != nil {
		t.Fatalf("GetKey: %v", err)
	}

	requests := fs.Requests()
	if got, want := requests[0].RequestURI, "/kms/v1/keys?pageNo=1&pageSize=200"; got != want {
		t.Errorf("list request URI = %q, want %q", got, want)
	}
	if got, want := requests[1].RequestURI, "/kms/v1/keys/odd%20tag%2F1"; got != want {
		t.Errorf("get request URI = %q, want %q", got, want)
	}
	for _, r := range requests {
		if r.Header.Get("Content-Type") != "application/json" || r.Header.Get("Accept") != "application/json" {
			t.Errorf("%s %s: Content-Type %q, Accept %q", r.Method, r.RequestURI, r.Header.Get("Content-Type"), r.Header.Get("Accept"))
		}
	}
}

func TestClient_newTimestampAndSignaturePerAttempt(t *testing.T) {
	fs := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n < 3 {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"code": "SERVICE_UNAVAILABLE", "msg": "busy"})
			return
		}
		writeSuccess(w, map[string]any{"keyTag": "t"})
	})
	clock := time.UnixMilli(1700000000000)
	client, _ := newTestClient(t, fs.endpoint(), func(c *Config) {
		c.Now = func() time.Time { clock = clock.Add(time.Second); return clock }
	})
	if _, err := client.GetKey(context.Background(), "t"); err != nil {
		t.Fatalf("GetKey: %v", err)
	}
	seenTimestamps := map[string]bool{}
	seenSignatures := map[string]bool{}
	for _, r := range fs.Requests() {
		seenTimestamps[r.Header.Get("x-ncp-apigw-timestamp")] = true
		seenSignatures[r.Header.Get("x-ncp-apigw-signature-v2")] = true
	}
	if len(seenTimestamps) != 3 || len(seenSignatures) != 3 {
		t.Errorf("3 attempts used %d timestamps and %d signatures, want 3 each", len(seenTimestamps), len(seenSignatures))
	}
}
