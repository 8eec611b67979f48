package kmsmock

import (
	"crypto/tls"
	"fmt"
	"net"
	"time"
)

// ListenTLS is Listen over HTTPS, as the real API is served: the mock presents a self-signed
// certificate made now (CertificatePEM) and offers HTTP/2 by ALPN, so that a client multiplexes its
// requests over one connection as it would against NCloud.
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
