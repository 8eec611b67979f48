package provider

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// Helpers of the tests of who may use a key.

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
func newTFWorkdirRecording(t *testing.T) (*tfWorkdir, *recordingTransport) {
	t.Helper()
	rec := &recordingTransport{}
	return newTFWorkdirWithProvider(t, testAccProtoV6ProviderFactoriesWith(Options{Transport: rec})["ncloudkms"]), rec
}
