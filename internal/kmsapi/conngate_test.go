package kmsapi

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

// TestFirstConnGate_http1StaysParallel: against an HTTP/1.1 server the gate holds the others back
// only until the first request has its connection; then they dial their own and run side by side.
func TestFirstConnGate_http1StaysParallel(t *testing.T) {
	const latency = 200 * time.Millisecond
	mock := kmsmock.NewTestServer(t, kmsmock.Options{Latency: latency})
	client, _ := newMockClient(t, mock)
	start := time.Now()
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			if _, err := client.ListKeys(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if elapsed := time.Since(start); elapsed > 3*latency {
		t.Errorf("10 parallel calls took %v, want about one latency (%v)", elapsed, latency)
	}
	if n := mock.ConnectionsAccepted(); n < 2 {
		t.Errorf("10 parallel HTTP/1.1 calls used %d connection(s)", n)
	}
}

// TestFirstConnGate_waitEndsWithContext: a request waiting behind a first one that never gets a
// connection gives up when its context ends, and once the first one fails the gate is open.
func TestFirstConnGate_waitEndsWithContext(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // accepts and never answers, so a TLS handshake hangs
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			defer conn.Close()
		}
	}()
	gate := newFirstConnGate(&http.Transport{})
	defer gate.CloseIdleConnections()
	url := "https://" + ln.Addr().String() + "/"

	firstCtx, cancelFirst := context.WithCancel(context.Background())
	firstDone := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(firstCtx, http.MethodGet, url, nil)
		_, err := gate.RoundTrip(req)
		firstDone <- err
	}()
	for !gate.claimed.Load() {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	body := &closeRecorder{Reader: strings.NewReader("{}")}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, body)
	if _, err := gate.RoundTrip(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting request: %v, want the context's deadline", err)
	}
	if !body.closed {
		t.Error("the waiting request's body was not closed")
	}
	cancelFirst()
	if err := <-firstDone; err == nil {
		t.Fatal("the first request got an answer from a silent server")
	}
	select {
	case <-gate.opened:
	default:
		t.Fatal("the gate stayed shut after the first request failed")
	}
}

type closeRecorder struct {
	*strings.Reader
	closed bool
}

func (c *closeRecorder) Close() error {
	c.closed = true
	return nil
}
