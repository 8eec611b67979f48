package kmsapi

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxRetryAfter caps a server's Retry-After so that a bad header cannot stall a plan for long.
const maxRetryAfter = 60 * time.Second

// backoff returns the wait before attempt number attempt+1: exponential from MinBackoff, capped
// at MaxBackoff, with "equal jitter" (half fixed, half random) so that parallel resources that
// were throttled together do not come back together, yet never wait less than MinBackoff.
func backoff(attempt int, minWait, maxWait time.Duration) time.Duration {
	ceiling := minWait
	for i := 1; i < attempt && ceiling < maxWait; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, maxWait)
	half := ceiling / 2
	wait := half + rand.N(half+1)
	return max(wait, minWait)
}

// retryDelay is the wait after a retryable failure: the server's Retry-After when it sent one,
// otherwise the jittered backoff.
func (c *Client) retryDelay(failure *APIError, attempt int) time.Duration {
	if failure.retryAfter > 0 {
		return failure.retryAfter
	}
	return backoff(attempt, c.cfg.MinBackoff, c.cfg.MaxBackoff)
}

// parseRetryAfter reads Retry-After as seconds or as an HTTP date, capped at maxRetryAfter; 0
// when absent or unreadable. A date is measured against the response's own Date header when
// present, so that a skewed local clock does not distort it.
func parseRetryAfter(header http.Header, now time.Time) time.Duration {
	value := strings.TrimSpace(header.Get("Retry-After"))
	if value == "" {
		return 0
	}
	var wait time.Duration
	if seconds, err := strconv.ParseInt(value, 10, 64); err == nil {
		if seconds > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		wait = time.Duration(seconds) * time.Second
	} else if at, err := http.ParseTime(value); err == nil {
		reference := now
		if serverNow, err := http.ParseTime(header.Get("Date")); err == nil {
			reference = serverNow
		}
		wait = at.Sub(reference)
	}
	return min(max(wait, 0), maxRetryAfter)
}

// sleepContext waits for d or until ctx ends, whichever comes first.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// deadlineTooClose reports whether ctx's deadline falls before a wait of d would end, in which
// case another attempt cannot happen and waiting would only delay the error.
func deadlineTooClose(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return ok && time.Until(deadline) < d
}
