package kmsmock

import (
	"testing"
	"time"
)

func TestClockStartsAtStartAndRuns(t *testing.T) {
	start := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	c := newClock(start)
	first := c.now()
	if first.Before(start) || first.Sub(start) > time.Second {
		t.Fatalf("now = %v, want just after %v", first, start)
	}
	time.Sleep(5 * time.Millisecond)
	if second := c.now(); !second.After(first) {
		t.Fatalf("clock did not run: %v then %v", first, second)
	}
}

func TestClockZeroStartIsRealTime(t *testing.T) {
	c := newClock(time.Time{})
	if d := time.Since(c.now()); d < -time.Second || d > time.Second {
		t.Fatalf("zero start is %v off real time", d)
	}
}

func TestClockAdvanceOnlyForward(t *testing.T) {
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	c := newClock(start)
	c.advance(48 * time.Hour)
	got := c.now().Sub(start)
	if got < 48*time.Hour || got > 48*time.Hour+time.Second {
		t.Fatalf("after advancing 48h the clock is %v past start", got)
	}
	c.advance(-24 * time.Hour)
	if back := c.now().Sub(start); back < got {
		t.Fatalf("negative advance moved the clock back: %v < %v", back, got)
	}
	if ms := c.nowMillis(); ms < start.Add(48*time.Hour).UnixMilli() {
		t.Fatalf("nowMillis = %d, behind the clock", ms)
	}
}
