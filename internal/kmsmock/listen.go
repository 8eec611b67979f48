package kmsmock

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Listen serves Handler over plain HTTP/1.1 on addr, which must be a loopback address (the mock's
// credentials are fixed and public). Connections are counted and kept alive; only a Drop fault
// closes one. ListenTLS serves HTTPS instead.
func (s *Server) Listen(addr string) error {
	if err := checkLoopbackAddr(addr); err != nil {
		return err
	}
	return s.serve(addr, nil, nil)
}

// serve listens on addr and serves Handler, over TLS when tlsConfig is set (certPEM is then the
// certificate it presents). The caller has checked that addr is loopback.
func (s *Server) serve(addr string, tlsConfig *tls.Config, certPEM []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.httpServer != nil {
		return errors.New("kmsmock: already listening on " + s.addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("kmsmock: %w", err)
	}
	srv := &http.Server{
		Handler:           s.Handler(),
		TLSConfig:         tlsConfig,
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       5 * time.Minute,
		// StateNew comes once per accepted TCP connection, before any TLS handshake, whatever
		// protocol is then spoken on it.
		ConnState: func(_ net.Conn, state http.ConnState) {
			if state == http.StateNew {
				s.connections.Add(1)
			}
		},
	}
	s.httpServer = srv
	s.addr = ln.Addr().String()
	s.certPEM = certPEM
	// Both return http.ErrServerClosed on Close.
	if tlsConfig == nil {
		go func() { _ = srv.Serve(ln) }()
	} else {
		go func() { _ = srv.ServeTLS(ln, "", "") }() // the certificate is in tlsConfig
	}
	return nil
}

// checkLoopbackAddr accepts host:port where host is "localhost" or a loopback IP.
func checkLoopbackAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("kmsmock: address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("kmsmock: address %q is not loopback; the mock listens on 127.0.0.1, ::1 or localhost only", addr)
}

// Addr is the listening host:port, or "" before Listen.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// URL is the API base URL, http://HOST:PORT/kms/v1 (https:// after ListenTLS), or "" before
// Listen.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.addr == "":
		return ""
	case s.certPEM != nil:
		return "https://" + s.addr + apiPrefix
	}
	return "http://" + s.addr + apiPrefix
}

// CertificatePEM is the certificate a client must trust to reach the mock after ListenTLS, or
// nil when it serves plain HTTP or is not listening.
func (s *Server) CertificatePEM() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.certPEM)
}

// Close stops listening and closes every connection. Closing a mock that is not listening is a no-op.
func (s *Server) Close() error {
	s.mu.Lock()
	srv := s.httpServer
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	return srv.Close()
}
