package kmsmock

import (
	"testing"
	"time"
)

type fakeTime struct{ t time.Time }

func (f *fakeTime) now() time.Time      { return f.t }
func (f *fakeTime) add(d time.Duration) { f.t = f.t.Add(d) }
func newFakeBucket(rate float64) (*tokenBucket, *fakeTime) {
	ft := &fakeTime{t: time.Unix(1000, 0)}
	b := &tokenBucket{now: ft.now}
	b.setRate(rate)
	return b, ft
}

func TestTokenBucket(t *testing.T) {
	b, clock := newFakeBucket(2)
	for i := range 2 {
		if ok, _ := b.take(); !ok {
			t.Fatalf("request %d within the burst of 2 refused", i+1)
		}
	}
	if ok, retry := b.take(); ok || retry != 1 {
		t.Fatalf("third request: ok=%v retry=%d, want refused with Retry-After 1", ok, retry)
	}
	clock.add(500 * time.Millisecond)
	if ok, _ := b.take(); !ok {
		t.Fatal("half a second at 2 rps should give a token")
	}
	clock.add(time.Hour)
	for i := range 2 {
		if ok, _ := b.take(); !ok {
			t.Fatalf("after a long pause request %d refused", i+1)
		}
	}
	if ok, _ := b.take(); ok {
		t.Fatal("the burst exceeded 2 after a long pause")
	}
}

func TestTokenBucketBelowOneRequestPerSecond(t *testing.T) {
	b, clock := newFakeBucket(0.25)
	if ok, _ := b.take(); !ok {
		t.Fatal("burst is at least 1")
	}
	if ok, retry := b.take(); ok || retry != 4 {
		t.Fatalf("ok=%v retry=%d, want Retry-After 4 at 0.25 rps", ok, retry)
	}
	clock.add(4 * time.Second)
	if ok, _ := b.take(); !ok {
		t.Fatal("4 s at 0.25 rps should give a token")
	}
}

func TestTokenBucketOff(t *testing.T) {
	b, _ := newFakeBucket(0)
	for range 1000 {
		if ok, _ := b.take(); !ok {
			t.Fatal("rate 0 must not limit")
		}
	}
	b.setRate(1)
	b.take()
	if ok, _ := b.take(); ok {
		t.Fatal("setRate(1) did not limit")
	}
	b.setRate(-3)
	if ok, _ := b.take(); !ok {
		t.Fatal("a negative rate means no limit")
	}
}

func TestRateLimitOverHTTP(t *testing.T) {
	c := newTestClient(t, Options{RateLimit: 1})
	c.call("GET", "/kms/v1/keys", nil).data(t, nil)
	got := c.call("GET", "/kms/v1/keys", nil)
	got.failed(t, 429, "TOO_MANY_REQUESTS", "")
	if got.header.Get("Retry-After") != "1" {
		t.Fatalf("Retry-After = %q, want 1", got.header.Get("Retry-After"))
	}
	if j := c.server.Journal(); len(j) != 2 || j[1].Status != 429 || !j[1].Fault {
		t.Fatalf("journal = %+v", j)
	}
	c.server.SetRateLimit(0)
	for range 20 {
		c.call("GET", "/kms/v1/keys", nil).data(t, nil)
	}
}
