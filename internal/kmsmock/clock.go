package kmsmock

import (
	"sync"
	"time"
)

// clock is the mock's "now". It runs with real time from its start value and jumps forward on
// advance. Advancing moves only the model's time (expiry, rotation): the gateway clock that checks
// signatures keeps running from start, so clients that sign with their own clock keep working
// after a test skips days. A start far from real time makes a skewed gateway.
type clock struct {
	mu        sync.Mutex
	start     time.Time // mock time at realStart
	realStart time.Time // keeps the monotonic reading, so wall-clock jumps do not move the mock
	offset    time.Duration
}

func newClock(start time.Time) *clock {
	realStart := time.Now()
	if start.IsZero() {
		start = realStart
	}
	return &clock{start: start.Round(0), realStart: realStart}
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.start.Add(time.Since(c.realStart) + c.offset)
}

// gatewayNow is the time the API gateway checks timestamps against and sends as Date.
func (c *clock) gatewayNow() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.start.Add(time.Since(c.realStart))
}

// nowMillis is the mock time as the wire carries it.
func (c *clock) nowMillis() int64 { return c.now().UnixMilli() }

// advance moves the clock forward; a negative step is ignored because the model never goes back.
func (c *clock) advance(d time.Duration) {
	if d <= 0 {
		return
	}
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}
