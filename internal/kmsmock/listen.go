package kmsmock

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Listen serves Handler on addr, which must be a loopback address (the mock has no TLS and fixed
// credentials). Connections are counted and kept alive; only a Drop fault closes one.
func (s *Server) Listen(addr string) error {
	if err := checkLoopbackAddr(addr); err != nil {
		return err
	}
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
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       5 * time.Minute,
		ConnState: func(_ net.Conn, state http.ConnState) {
			if state == http.StateNew {
				s.connections.Add(1)
			}
		},
	}
	s.httpServer = srv
	s.addr = ln.Addr().String()
	go func() { _ = srv.Serve(ln) }() // returns http.ErrServerClosed on Close
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

// URL is the API base URL, http://HOST:PORT/kms/v1, or "" before Listen.
func (s *Server) URL() string {
	addr := s.Addr()
	if addr == "" {
		return ""
	}
	return "http://" + addr + apiPrefix
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
