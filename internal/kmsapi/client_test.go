package kmsapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestNewClient_validation(t *testing.T) {
	valid := Config{Endpoint: "https://ocapi.ncloud.com/kms/v1", AccessKey: "ak", SecretKey: "sk"}
	tests := []struct {
		name    string
		change  func(*Config)
		wantErr string
	}{
		{"valid", func(*Config) {}, ""},
		{"trailing slash", func(c *Config) { c.Endpoint += "/" }, ""},
		{"loopback http", func(c *Config) { c.Endpoint = "http://127.0.0.1:8080/kms/v1" }, ""},
		{"no scheme", func(c *Config) { c.Endpoint = "ocapi.ncloud.com/kms/v1" }, "https://"},
		{"ftp", func(c *Config) { c.Endpoint = "ftp://ocapi.ncloud.com/kms/v1" }, "https://"},
		{"empty", func(c *Config) { c.Endpoint = "" }, "https://"},
		{"query", func(c *Config) { c.Endpoint += "?x=1" }, "query"},
		{"user info", func(c *Config) { c.Endpoint = "https://u:p@ocapi.ncloud.com/kms/v1" }, "user information"},
		{"no access key", func(c *Config) { c.AccessKey = "" }, "access key"},
		{"no secret key", func(c *Config) { c.SecretKey = "" }, "secret key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid
			tt.change(&cfg)
			_, err := NewClient(cfg)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("error %v, want one mentioning %q", err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "u:p") {
				t.Errorf("error %q repeats the URL's password", err)
			}
		})
	}
}

func TestNewClient_defaults(t *testing.T) {
	client, err := NewClient(Config{Endpoint: "https://ocapi.ncloud.com/kms/v1/", AccessKey: "ak", SecretKey: "sk"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := client.cfg
	if cfg.MaxAttempts != 16 || cfg.MinBackoff != 250*time.Millisecond || cfg.MaxBackoff != 10*time.Second || cfg.RequestTimeout != 60*time.Second {
		t.Errorf("defaults: %+v", cfg)
	}
	if client.endpoint != "https://ocapi.ncloud.com/kms/v1" {
		t.Errorf("endpoint %q", client.endpoint)
	}
	gate, ok := client.httpClient.Transport.(*firstConnGate)
	if !ok || gate.transport == http.DefaultTransport {
		t.Fatalf("want a transport of its own behind the first-connection gate, got %T", client.httpClient.Transport)
	}
	transport := gate.transport
	if transport.DisableKeepAlives || transport.MaxIdleConns != 100 || transport.MaxIdleConnsPerHost != 64 {
		t.Errorf("transport keep-alive %v, MaxIdleConns %d, MaxIdleConnsPerHost %d", !transport.DisableKeepAlives, transport.MaxIdleConns, transport.MaxIdleConnsPerHost)
	}
}

// Bodies are drained and closed, so sequential calls (also failing ones) share one connection.
func TestClient_reusesConnections(t *testing.T) {
	fs := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n%2 == 0 {
			writeJSON(w, http.StatusNotFound, map[string]string{"code": "NOT_FOUND", "msg": strings.Repeat("x", 100_000)})
			return
		}
		writeSuccess(w, map[string]any{"keyTag": "tag", "memo": strings.Repeat("y", 100_000)})
	})
	client, _ := newTestClient(t, fs.endpoint())
	for range 10 {
		_, _ = client.GetKey(context.Background(), "tag")
	}
	if fs.Count() != 10 || fs.Connections() != 1 {
		t.Errorf("%d requests over %d connections, want 10 over 1", fs.Count(), fs.Connections())
	}
}

func TestClient_doesNotFollowRedirects(t *testing.T) {
	fs := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	})
	client, _ := newTestClient(t, fs.endpoint())
	_, err := client.GetKey(context.Background(), "tag")
	if apiErr, ok := asAPIError(err); !ok || apiErr.StatusCode != http.StatusFound || fs.Count() != 1 {
		t.Errorf("got %v after %d requests, want the 302 as an error", err, fs.Count())
	}
}

func TestClient_sendsUserAgent(t *testing.T) {
	fs := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) { writeSuccess(w, map[string]any{}) })
	client, _ := newTestClient(t, fs.endpoint(), func(c *Config) { c.UserAgent = "terraform-provider-ncloudkms/test" })
	if _, err := client.GetKey(context.Background(), "tag"); err != nil {
		t.Fatal(err)
	}
	if got := fs.Requests()[0].Header.Get("User-Agent"); got != "terraform-provider-ncloudkms/test" {
		t.Errorf("User-Agent %q", got)
	}
}

func TestClient_unexpectedSuccessBodies(t *testing.T) {
	tests := []struct {
		name, body, wantInError string
	}{
		{"not json", "<html>ok</html>", "not the expected JSON"},
		{"failure code in a 200", `{"code":"FAIL","msg":"nope"}`, "FAIL: nope"},
		{"data of the wrong type", `{"code":"SUCCESS","data":"text"}`, "cannot read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = w.Write([]byte(tt.body))
			}))
			defer server.Close()
			client, _ := newTestClient(t, server.URL+"/kms/v1")
			_, err := client.GetKey(context.Background(), "tag")
			if err == nil || !strings.Contains(err.Error(), tt.wantInError) || IsRetryable(err) {
				t.Errorf("got %v, want a non-retryable error mentioning %q", err, tt.wantInError)
			}
		})
	}
}

func TestClient_emptyKeyTagIsRefusedLocally(t *testing.T) {
	client, _ := newTestClient(t, "http://127.0.0.1:1/kms/v1")
	if _, err := client.GetKey(context.Background(), ""); err == nil {
		t.Error("GetKey with an empty tag succeeded")
	}
	if err := client.DeleteKey(context.Background(), ""); err == nil {
		t.Error("DeleteKey with an empty tag succeeded")
	}
}
