package kmsmock

import (
	"math"
	"sync"
	"time"
)

// tokenBucket limits requests per second of real time (the mock clock may jump, the caller's pace
// does not). Burst is max(1, rate), so a rate below one still lets single requests through.
type tokenBucket struct {
	mu     sync.Mutex
	rate   float64 // tokens per second; 0 = no limit
	tokens float64
	last   time.Time
	now    func() time.Time
}

func newTokenBucket(rate float64) *tokenBucket {
	b := &tokenBucket{now: time.Now}
	b.setRate(rate)
	return b
}

func (b *tokenBucket) burst() float64 { return math.Max(1, b.rate) }

// setRate changes the limit and refills the bucket.
func (b *tokenBucket) setRate(rate float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rate = math.Max(0, rate)
	b.tokens = b.burst()
	b.last = b.now()
}

// take spends one token. When none is left it reports how long until one is, in whole seconds
// (at least 1), for Retry-After.
func (b *tokenBucket) take() (ok bool, retryAfterSeconds int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.rate == 0 {
		return true, 0
	}
	now := b.now()
	b.tokens = math.Min(b.burst(), b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := (1 - b.tokens) / b.rate
	return false, max(1, int(math.Ceil(wait)))
}
