package kmsmock

import (
	"crypto/tls"
	"fmt"
	"net"
	"time"
)

// ListenTLS is Listen over HTTPS, as the real API is served: the mock presents a self-signed
// certificate made now (CertificatePEM) and offers HTTP/2 by ALPN, on which a client multiplexes
// its requests over one connection. (NCloud's docs do not say whether its gateway offers HTTP/2;
// the client falls back to HTTP/1.1 keep-alive when it does not.)
func (s *Server) ListenTLS(addr string) error {
	if err := checkLoopbackAddr(addr); err != nil {
		return err
	}
	host, _, _ := net.SplitHostPort(addr) // checked above
	cert, certPEM, err := selfSignedCert(time.Now(), host)
	if err != nil {
		return fmt.Errorf("kmsmock: making a certificate: %w", err)
	}
	return s.serve(addr, &tls.Config{
		Certificates: []tls.Certificate{cert},
		NextProtos:   []string{"h2", "http/1.1"},
		MinVersion:   tls.VersionTLS12,
	}, certPEM)
}
