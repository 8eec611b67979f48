package kmsapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

// TestDefaultClient_http2OneConnection: against an HTTPS API that offers HTTP/2,
// the default client carries concurrent calls, from the very first, over one connection.
func TestDefaultClient_http2OneConnection(t *testing.T) {
	mock := kmsmock.NewTLSTestServer(t, kmsmock.Options{Latency: 20 * time.Millisecond})
	key, err := mock.CreateKey(kmsmock.KeySpec{Name: "h2-key", Type: "AES256", ProtectionType: "BASIC"})
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(mock.CertificatePEM()) {
		t.Fatal("the mock's certificate does not parse")
	}
	httpClient := newDefaultHTTPClient()
	transport := defaultTransportOf(t, httpClient)
	if transport.TLSClientConfig == nil {
		transport.TLSClientConfig = &tls.Config{}
	}
	transport.TLSClientConfig.RootCAs = roots
	t.Cleanup(httpClient.CloseIdleConnections)
	client, _ := newMockClient(t, mock, func(c *Config) { c.HTTPClient = httpClient })

	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range errs {
		wg.Go(func() {
			if i%2 == 0 {
				_, errs[i] = client.GetKey(context.Background(), key.KeyTag)
			} else {
				_, errs[i] = client.ListKeys(context.Background())
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("call %d: %v", i, err)
		}
	}
	if n := mock.ConnectionsAccepted(); n != 1 {
		t.Errorf("20 concurrent calls used %d connections, want 1", n)
	}
	// Only HTTP/2 carries concurrent requests on one connection; this shows the protocol as well.
	resp, err := httpClient.Get(strings.TrimSuffix(mock.URL(), "/kms/v1") + "/_mock/journal")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ProtoMajor != 2 {
		t.Errorf("the default client spoke %s", resp.Proto)
	}
}

// defaultTransportOf returns the *http.Transport that newDefaultHTTPClient's client sends with.
func defaultTransportOf(t *testing.T, c *http.Client) *http.Transport {
	t.Helper()
	gate, ok := c.Transport.(*firstConnGate)
	if !ok {
		t.Fatalf("default transport is %T", c.Transport)
	}
	return gate.transport
}
