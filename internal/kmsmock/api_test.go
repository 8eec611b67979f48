package kmsmock

import (
	"context"
	"testing"
	"time"
)

func TestSleep(t *testing.T) {
	if !sleep(context.Background(), 0) || !sleep(context.Background(), time.Millisecond) {
		t.Fatal("an uninterrupted wait reports false")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if sleep(ctx, time.Hour) || time.Since(start) > time.Second {
		t.Fatal("a cancelled wait did not end at once")
	}
}

// TestRateLimitComesBeforeScriptedFaults: a request the limit refuses does not use up a fault.
func TestRateLimitComesBeforeScriptedFaults(t *testing.T) {
	c := newTestClient(t, Options{RateLimit: 1})
	c.call("GET", "/kms/v1/keys", nil).data(t, nil)
	c.server.InjectFault(Fault{Status: 502})
	c.call("GET", "/kms/v1/keys", nil).failed(t, 429, "TOO_MANY_REQUESTS", "")
	c.server.SetRateLimit(0)
	c.call("GET", "/kms/v1/keys", nil).failed(t, 502, "BAD_GATEWAY", "")
	c.call("GET", "/kms/v1/keys", nil).data(t, nil)
}
