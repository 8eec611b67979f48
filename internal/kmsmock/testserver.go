package kmsmock

import "testing"

// NewTestServer starts a mock on a free loopback port and closes it when the test ends.
func NewTestServer(t testing.TB, opts Options) *Server {
	t.Helper()
	s := New(opts)
	if err := s.Listen("127.0.0.1:0"); err != nil {
		t.Fatalf("kmsmock: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// NewTLSTestServer is NewTestServer over HTTPS (ListenTLS); clients must trust CertificatePEM.
func NewTLSTestServer(t testing.TB, opts Options) *Server {
	t.Helper()
	s := New(opts)
	if err := s.ListenTLS("127.0.0.1:0"); err != nil {
		t.Fatalf("kmsmock: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}
