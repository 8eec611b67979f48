package kmsapi

import (
	"net/http"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
)

// firstConnGate sends a client's first request alone until it has a connection; after that every
// request goes at once. While Go's transport does not yet know whether a server speaks HTTP/2, it
// dials once per waiting request, so the parallel calls of a fresh provider process would open one
// connection each even to an HTTP/2 server that carries them all on one.
type firstConnGate struct {
	transport *http.Transport
	claimed   atomic.Bool   // the first request is on its way
	opened    chan struct{} // closed once it has a connection, or has failed
	openOnce  sync.Once
}

func newFirstConnGate(transport *http.Transport) *firstConnGate {
	return &firstConnGate{transport: transport, opened: make(chan struct{})}
}

func (g *firstConnGate) RoundTrip(req *http.Request) (*http.Response, error) {
	select {
	case <-g.opened:
		return g.transport.RoundTrip(req)
	default:
	}
	if g.claimed.CompareAndSwap(false, true) {
		defer g.open() // also when no connection came
		trace := &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { g.open() }}
		return g.transport.RoundTrip(req.WithContext(httptrace.WithClientTrace(req.Context(), trace)))
	}
	select {
	case <-g.opened:
		return g.transport.RoundTrip(req)
	case <-req.Context().Done():
		if req.Body != nil {
			_ = req.Body.Close() // a RoundTripper closes the body, also when it does not send it
		}
		return nil, req.Context().Err()
	}
}

func (g *firstConnGate) open() { g.openOnce.Do(func() { close(g.opened) }) }

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the transport.
func (g *firstConnGate) CloseIdleConnections() { g.transport.CloseIdleConnections() }
