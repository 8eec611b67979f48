package kmsmock

import "testing"

// NewTestServer starts a mock on a free loopback port and closes it when the test ends.
func NewTestServer(t testing.TB, opts Options) *Server {
	t.Helper()
	return startTestServer(t, opts, (*Server).Listen)
}

// NewTLSTestServer is NewTestServer over HTTPS (ListenTLS); clients must trust CertificatePEM.
func NewTLSTestServer(t testing.TB, opts Options) *Server {
	t.Helper()
	return startTestServer(t, opts, (*Server).ListenTLS)
}

func startTestServer(t testing.TB, opts Options, listen func(*Server, string) error) *Server {
	t.Helper()
	s := New(opts)
	if err := listen(s, "127.0.0.1:0"); err != nil {
		t.Fatalf("kmsmock: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}
