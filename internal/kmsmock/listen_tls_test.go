package kmsmock

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// newTLSTestClient is newTestClient against ListenTLS, with a client that trusts the mock's
// certificate and, like Go's default transport, attempts HTTP/2.
func newTLSTestClient(t testing.TB, opts Options) *testClient {
	t.Helper()
	s := NewTLSTestServer(t, opts)
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(s.CertificatePEM()) {
		t.Fatalf("CertificatePEM holds no certificate: %q", s.CertificatePEM())
	}
	transport := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, ForceAttemptHTTP2: true}
	t.Cleanup(transport.CloseIdleConnections)
	return &testClient{t: t, server: s, http: &http.Client{Transport: transport}, host: "https://" + s.Addr()}
}

// signedList sends a signed GET /keys and returns the answer, its body closed.
func (c *testClient) signedList() *http.Response {
	c.t.Helper()
	req := c.request("GET", "/kms/v1/keys", nil)
	c.signAt(req, c.server.GatewayNow())
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestListenTLS_servesHTTP2(t *testing.T) {
	c := newTLSTestClient(t, Options{})
	resp := c.signedList()
	if resp.StatusCode != http.StatusOK || resp.ProtoMajor != 2 || resp.TLS == nil || resp.TLS.NegotiatedProtocol != "h2" {
		t.Fatalf("got %d over %s (TLS %v), want 200 over HTTP/2", resp.StatusCode, resp.Proto, resp.TLS != nil)
	}
}

// TestListenTLS_http1Client: a client that offers only http/1.1 is still served.
func TestListenTLS_http1Client(t *testing.T) {
	c := newTLSTestClient(t, Options{})
	c.http.Transport.(*http.Transport).ForceAttemptHTTP2 = false
	resp := c.signedList()
	if resp.StatusCode != http.StatusOK || resp.ProtoMajor != 1 {
		t.Fatalf("got %d over %s, want 200 over HTTP/1.1", resp.StatusCode, resp.Proto)
	}
}

// TestListenTLS_concurrentRequestsShareOneConnection: once a client has its connection, every
// request is a stream of it, however many run at once. (Go's transport dials once per request
// while the protocol is unknown, hence the first request alone.)
func TestListenTLS_concurrentRequestsShareOneConnection(t *testing.T) {
	c := newTLSTestClient(t, Options{Latency: 20 * time.Millisecond})
	c.call("GET", "/kms/v1/keys", nil).data(t, nil)
	var wg sync.WaitGroup
	replies := make([]reply, 20)
	for i := range replies {
		wg.Go(func() {
			req := c.request("GET", "/kms/v1/keys", nil)
			c.signAt(req, c.server.GatewayNow())
			resp, err := c.http.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			replies[i] = reply{status: resp.StatusCode}
		})
	}
	wg.Wait()
	for i, r := range replies {
		if r.status != http.StatusOK {
			t.Errorf("request %d: status %d", i, r.status)
		}
	}
	if n := c.server.ConnectionsAccepted(); n != 1 {
		t.Fatalf("21 requests used %d connections, want 1", n)
	}
}

func TestListenTLS_verifiesSignatures(t *testing.T) {
	c := newTLSTestClient(t, Options{})
	unsigned := c.send(c.request("GET", "/kms/v1/keys", nil))
	req := c.request("GET", "/kms/v1/keys", nil)
	resign(req, c.server.AccessKey(), "wrong-secret", c.server.GatewayNow())
	wrongSecret := c.send(req)
	for _, r := range []struct {
		reply   reply
		details string
	}{{unsigned, "missing header"}, {wrongSecret, "signature mismatch"}} {
		if r.reply.status != http.StatusUnauthorized || !strings.Contains(string(r.reply.body), r.details) {
			t.Errorf("got %d %s, want 401 with %q", r.reply.status, r.reply.body, r.details)
		}
	}
	c.call("POST", "/kms/v1/keys", createBody(nil)).data(t, nil)
	if len(c.server.Keys()) != 1 {
		t.Fatalf("signed create over TLS left %d keys", len(c.server.Keys()))
	}
}

// TestListenTLS_dropResetsOnlyTheStream: over HTTP/2 a Drop fault fails its request and leaves the
// connection to the others.
func TestListenTLS_dropResetsOnlyTheStream(t *testing.T) {
	c := newTLSTestClient(t, Options{})
	c.call("GET", "/kms/v1/keys", nil).data(t, nil)
	c.server.InjectFault(Fault{Drop: true})
	req := c.request("GET", "/kms/v1/keys", nil)
	c.signAt(req, c.server.GatewayNow())
	if resp, err := c.http.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("drop answered")
	}
	c.call("GET", "/kms/v1/keys", nil).data(t, nil)
	if n := c.server.ConnectionsAccepted(); n != 1 {
		t.Fatalf("after a dropped stream %d connections, want 1", n)
	}
}

func TestListenTLS_URLAndCertificate(t *testing.T) {
	s := New(Options{})
	if s.CertificatePEM() != nil {
		t.Fatal("a mock that is not listening has a certificate")
	}
	if err := s.ListenTLS("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.ListenTLS("127.0.0.1:0"); err == nil {
		t.Fatal("second ListenTLS accepted")
	}
	if err := s.Listen("127.0.0.1:0"); err == nil {
		t.Fatal("Listen after ListenTLS accepted")
	}
	if !strings.HasPrefix(s.URL(), "https://127.0.0.1:") || !strings.HasSuffix(s.URL(), "/kms/v1") || !strings.Contains(s.URL(), s.Addr()) {
		t.Fatalf("URL = %q, Addr = %q", s.URL(), s.Addr())
	}
	block, rest := pem.Decode(s.CertificatePEM())
	if block == nil || block.Type != "CERTIFICATE" || len(rest) != 0 {
		t.Fatalf("CertificatePEM = %q", s.CertificatePEM())
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if key, ok := cert.PublicKey.(*ecdsa.PublicKey); !ok || key.Curve != elliptic.P256() {
		t.Errorf("public key %T, want ECDSA P-256", cert.PublicKey)
	}
	for _, host := range []string{"127.0.0.1", "::1", "localhost"} {
		if err := cert.VerifyHostname(host); err != nil {
			t.Errorf("certificate not valid for %s: %v", host, err)
		}
	}
	if life := time.Until(cert.NotAfter); life <= 23*time.Hour || life > 24*time.Hour {
		t.Errorf("certificate valid for %v more, want about 24h", life)
	}
	plain := NewTestServer(t, Options{})
	if plain.CertificatePEM() != nil || !strings.HasPrefix(plain.URL(), "http://") {
		t.Errorf("plain mock: certificate %q, URL %q", plain.CertificatePEM(), plain.URL())
	}
}

func TestListenTLS_refusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0", "[::]:0", "example.com:0", "127.0.0.1"} {
		s := New(Options{})
		if err := s.ListenTLS(addr); err == nil {
			s.Close()
			t.Errorf("ListenTLS(%q) accepted", addr)
		}
		if s.URL() != "" || s.CertificatePEM() != nil {
			t.Errorf("ListenTLS(%q) refused but left URL %q", addr, s.URL())
		}
	}
}

// TestListenTLS_otherLoopbackIP: a loopback address other than 127.0.0.1 is in the certificate too.
func TestListenTLS_otherLoopbackIP(t *testing.T) {
	s := New(Options{})
	if err := s.ListenTLS("127.0.0.2:0"); err != nil {
		t.Skipf("127.0.0.2 not usable here: %v", err)
	}
	defer s.Close()
	block, _ := pem.Decode(s.CertificatePEM())
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	host, _, _ := net.SplitHostPort(s.Addr())
	if err := cert.VerifyHostname(host); err != nil {
		t.Fatal(err)
	}
}
