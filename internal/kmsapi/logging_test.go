package kmsapi

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

func TestLogging_oneDebugLinePerAttempt(t *testing.T) {
	fs := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("x-ncp-request-id", "req-1")
		if n == 1 {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"code": "SERVICE_UNAVAILABLE", "msg": "busy"})
			return
		}
		writeSuccess(w, map[string]any{"keyTag": "tag"})
	})
	var output bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &output)
	client, _ := newTestClient(t, fs.endpoint())
	if _, err := client.GetKey(ctx, "tag"); err != nil {
		t.Fatal(err)
	}

	entries, err := tflogtest.MultilineJSONDecode(&output)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("%d log lines, want 2: %v", len(entries), entries)
	}
	for i, entry := range entries {
		if entry["@level"] != "debug" || entry["method"] != "GET" || entry["path"] != "/kms/v1/keys/tag" ||
			entry["attempt"] != float64(i+1) || entry["request_id"] != "req-1" {
			t.Errorf("line %d: %v", i, entry)
		}
		if _, ok := entry["duration_ms"].(float64); !ok {
			t.Errorf("line %d has no duration_ms: %v", i, entry)
		}
	}
	if entries[0]["status"] != float64(503) || entries[1]["status"] != float64(200) {
		t.Errorf("statuses %v, %v", entries[0]["status"], entries[1]["status"])
	}
	if !strings.Contains(entries[0]["error"].(string), "busy") {
		t.Errorf("failed attempt logged without its error: %v", entries[0])
	}
}

// Credentials and the signature never reach the log, even where they appear in a logged value.
func TestLogging_masksCredentialsAndSignature(t *testing.T) {
	fs := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("x-ncp-request-id", r.Header.Get("x-ncp-apigw-signature-v2"))
		writeJSON(w, http.StatusBadRequest, map[string]string{"code": "X", "msg": testSecretKey})
	})
	var output bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &output)
	client, _ := newTestClient(t, fs.endpoint())
	_, _ = client.GetKey(ctx, testAccessKey) // the access key ends up in the logged path

	logged := output.String()
	signature := fs.Requests()[0].Header.Get("x-ncp-apigw-signature-v2")
	for _, secret := range []string{testAccessKey, testSecretKey, signature} {
		if strings.Contains(logged, secret) {
			t.Errorf("log contains %q: %s", secret, logged)
		}
	}
	if !strings.Contains(logged, "/kms/v1/keys/***") {
		t.Errorf("log line not masked as expected: %s", logged)
	}
	for _, raw := range []string{"x-ncp-", "Authorization", "{\"code\""} {
		if strings.Contains(logged, raw) {
			t.Errorf("log carries headers or a raw body (%q): %s", raw, logged)
		}
	}
}

// A crypto call logs one line per attempt like any other call, with the plaintext it sent masked
// wherever a server put it, and nothing of the plaintext or data key it received.
func TestLogging_masksPlaintextsAndDataKeys(t *testing.T) {
	const plaintext, dataKey = "logged-plaintext-3141", "AAECAwQFBgcICQoLDA0ODw=="
	var fs *fakeServer
	fs = newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("x-ncp-request-id", r.Header.Get("x-ncp-apigw-timestamp")+"-"+fmt.Sprint(n))
		switch {
		case n == 1: // the fake server has read the body already
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"code": "SERVICE_UNAVAILABLE", "msg": "busy with " + fs.Requests()[0].Body})
		case strings.HasSuffix(r.URL.Path, "/encrypt"):
			writeSuccess(w, map[string]any{"ciphertext": "ncpkms:v1:AAAA"})
		default:
			writeSuccess(w, map[string]any{"ciphertext": "ncpkms:v1:AAAA", "key_version": 1, "plaintext": dataKey})
		}
	})
	var output bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &output)
	client, _ := newTestClient(t, fs.endpoint())
	if _, err := client.Encrypt(ctx, "tag", EncryptInput{Plaintext: []byte(plaintext)}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.CreateCustomKey(ctx, "tag", DataKeyInput{IncludePlaintext: true}); err != nil {
		t.Fatal(err)
	}
	entries, err := tflogtest.MultilineJSONDecode(&output)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 || entries[0]["status"] != float64(503) || !strings.Contains(fmt.Sprint(entries[0]["error"]), `busy with {"plaintext":"***"}`) {
		t.Fatalf("log lines: %v", entries)
	}
	for _, secret := range []string{plaintext, b64(plaintext), dataKey} {
		if strings.Contains(output.String(), secret) {
			t.Errorf("the log contains %q: %s", secret, output.String())
		}
	}
}
