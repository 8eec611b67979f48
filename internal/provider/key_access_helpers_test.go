package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// Helpers of the tests of who may use a key: the ACL, the token generator and the tokens.

// mockAPIClient is a client of the mock, as an application (or the console) would use it: one
// attempt per call, so that a refusal shows at once.
func mockAPIClient(t *testing.T, m *kmsmock.Server) *kmsapi.Client {
	t.Helper()
	client, err := kmsapi.NewClient(kmsapi.Config{Endpoint: m.URL(), AccessKey: m.AccessKey(), SecretKey: m.SecretKey(), MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// encryptWithToken encrypts a short plaintext under the key with an access token instead of the
// account's signature.
func encryptWithToken(m *kmsmock.Server, t *testing.T, tag, token string) error {
	t.Helper()
	_, err := mockAPIClient(t, m).Encrypt(context.Background(), tag, kmsapi.EncryptInput{Plaintext: []byte("hello"), AccessToken: token})
	return err
}

// requireTokenAuthorises checks that an access token authorises a crypto call of the key.
func requireTokenAuthorises(t *testing.T, m *kmsmock.Server, tag, token string) {
	t.Helper()
	if token == "" {
		t.Fatal("no access token")
	}
	if err := encryptWithToken(m, t, tag, token); err != nil {
		t.Fatalf("an encrypt call with the access token failed: %v", err)
	}
}

// requireTokenRefused checks that an access token no longer authorises anything (HTTP 401).
func requireTokenRefused(t *testing.T, m *kmsmock.Server, tag, token string) {
	t.Helper()
	err := encryptWithToken(m, t, tag, token)
	if !kmsapi.IsUnauthenticated(err) {
		t.Fatalf("an encrypt call with a revoked access token: got %v, want HTTP 401", err)
	}
}

// issueTokenSet issues a token set for the key outside Terraform, as an application's set-up would.
func issueTokenSet(t *testing.T, m *kmsmock.Server, tag string) *kmsapi.TokenSet {
	t.Helper()
	set, err := mockAPIClient(t, m).CreateTokenSet(context.Background(), tag, kmsapi.TokenLifetimes{AccessTokenHours: 1, RefreshTokenHours: 1})
	if err != nil {
		t.Fatalf("issuing a token set: %v", err)
	}
	return set
}

// exchange is one HTTP request of the provider and its answer, as recordingTransport saw them.
type exchange struct {
	Method, Path      string
	Request, Response string // bodies
	StatusCode        int
}

// recordingTransport passes the provider's requests on to the mock and records each with its answer,
// so that a test can see the bodies, which the mock's journal does not keep.
type recordingTransport struct {
	mu        sync.Mutex
	exchanges []exchange
}

func (r *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ex := exchange{Method: req.Method, Path: req.URL.Path}
	if req.Body != nil {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		_ = req.Body.Close()
		ex.Request = string(body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		r.record(ex)
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	ex.Response, ex.StatusCode = string(body), resp.StatusCode
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.record(ex)
	return resp, nil
}

func (r *recordingTransport) record(ex exchange) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.exchanges = append(r.exchanges, ex)
}

// Reset forgets the exchanges recorded so far.
func (r *recordingTransport) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.exchanges = nil
}

// Exchanges returns the recorded exchanges whose path ends with suffix, in order.
func (r *recordingTransport) Exchanges(method, suffix string) []exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []exchange
	for _, ex := range r.exchanges {
		if ex.Method == method && strings.HasSuffix(ex.Path, suffix) {
			out = append(out, ex)
		}
	}
	return out
}

// newTFWorkdirRecording is newTFWorkdir with the provider's HTTP requests recorded.
func newTFWorkdirRecording(t *testing.T) (*tfcli.Workdir, *recordingTransport) {
	t.Helper()
	rec := &recordingTransport{}
	return newTFWorkdirWith(t, Options{Transport: rec}), rec
}

// jsonField is the string field name of the "data" object of an API answer.
func jsonField(t *testing.T, answer, name string) string {
	t.Helper()
	var envelope struct {
		Data map[string]any `json:"data"`
	}
	if err := json.Unmarshal([]byte(answer), &envelope); err != nil {
		t.Fatalf("API answer %q: %v", answer, err)
	}
	value, _ := envelope.Data[name].(string)
	return value
}
