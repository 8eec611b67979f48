package kmsmock

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestListenRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0", "[::]:0", "example.com:0", "127.0.0.1"} {
		if err := New(Options{}).Listen(addr); err == nil {
			t.Errorf("Listen(%q) accepted", addr)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:0", "127.0.0.2:0"} {
		if err := checkLoopbackAddr(addr); err != nil {
			t.Errorf("checkLoopbackAddr(%q) = %v", addr, err)
		}
	}
}

func TestURLAddrAndClose(t *testing.T) {
	s := New(Options{})
	if s.URL() != "" || s.Addr() != "" || s.Close() != nil {
		t.Fatal("a mock that is not listening has no URL and closes quietly")
	}
	if err := s.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	if err := s.Listen("127.0.0.1:0"); err == nil {
		t.Fatal("second Listen accepted")
	}
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") || !strings.HasSuffix(s.URL(), "/kms/v1") || !strings.Contains(s.URL(), s.Addr()) {
		t.Fatalf("URL = %q, Addr = %q", s.URL(), s.Addr())
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get("http://" + s.Addr() + "/_mock/journal"); err == nil {
		t.Fatal("still answering after Close")
	}
}

func TestIPv6Loopback(t *testing.T) {
	s := New(Options{})
	if err := s.Listen("[::1]:0"); err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	}
	defer s.Close()
	if !strings.HasPrefix(s.URL(), "http://[::1]:") {
		t.Fatalf("URL = %q", s.URL())
	}
}

// TestConnectionReuse: answers of every kind keep the connection alive; only a drop closes it.
func TestConnectionReuse(t *testing.T) {
	c := newTestClient(t, Options{})
	for i := range 250 { // enough keys for a list answer of many kilobytes
		mustCreate(t, c.server, KeySpec{Name: fmt.Sprintf("reuse%03d", i)})
	}
	for i := range 100 {
		switch i % 5 {
		case 0:
			c.call("GET", "/kms/v1/keys?pageSize=200", nil).data(t, nil)
		case 1:
			c.call("GET", "/kms/v1/keys/"+unknownTag, nil).failed(t, 404, "NOT_FOUND", "")
		case 2:
			c.send(c.request("GET", "/kms/v1/keys", nil)) // 401
		case 3:
			c.server.InjectFault(Fault{Status: 503})
			c.call("POST", "/kms/v1/keys", createBody(nil)).failed(t, 503, "SERVICE_UNAVAILABLE", "")
		case 4:
			c.call("POST", "/kms/v1/keys", "{bad").failed(t, 400, "INVALID_REQUEST", "")
		}
	}
	if n := c.server.ConnectionsAccepted(); n != 1 {
		t.Fatalf("100 sequential requests used %d connections, want 1", n)
	}
	c.server.InjectFault(Fault{Drop: true})
	req := c.request("POST", "/kms/v1/keys/"+unknownTag+"/enable", nil)
	c.signAt(req, c.server.GatewayNow())
	if resp, err := c.http.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("drop answered")
	}
	c.call("GET", "/kms/v1/keys", nil).data(t, nil)
	if n := c.server.ConnectionsAccepted(); n != 2 {
		t.Fatalf("after a drop %d connections, want 2", n)
	}
}
