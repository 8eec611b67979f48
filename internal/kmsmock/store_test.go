package kmsmock

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

var storeStart = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

func newTestStore() (*store, *clock) {
	c := newClock(storeStart)
	return newStore(c), c
}

func mustStoreCreate(t *testing.T, s *store, spec KeySpec) keyRecord {
	t.Helper()
	if spec.Type == "" {
		spec.Type = "AES256"
	}
	if spec.ProtectionType == "" {
		spec.ProtectionType = "BASIC"
	}
	k, err := s.create(spec.input())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func wantStatus(t *testing.T, err error, status int) {
	t.Helper()
	var apiErr *apiError
	if !errors.As(err, &apiErr) || apiErr.status != status {
		t.Fatalf("err = %v, want status %d", err, status)
	}
}

func TestAutomaticRotationAddsVersions(t *testing.T) {
	s, c := newTestStore()
	k := mustStoreCreate(t, s, KeySpec{Name: "rotating", RotationDays: 10})
	firstDue := k.nextRotation

	c.advance(10*24*time.Hour - time.Minute)
	if got, _ := s.get(k.tag); got.currentVersion() != 1 || got.nextRotation != firstDue {
		t.Fatalf("before the due date: version %d next %d", got.currentVersion(), got.nextRotation)
	}
	c.advance(time.Minute)
	got, _ := s.get(k.tag)
	if got.currentVersion() != 2 || got.nextRotation != firstDue+10*dayMillis {
		t.Fatalf("at the due date: version %d next %d, want 2 and +10 days", got.currentVersion(), got.nextRotation)
	}
	// a disabled key still rotates on schedule
	if _, err := s.disable(k.tag); err != nil {
		t.Fatal(err)
	}
	c.advance(25 * 24 * time.Hour)
	if got, _ := s.get(k.tag); got.currentVersion() != 4 || got.nextRotation != firstDue+30*dayMillis {
		t.Fatalf("25 days later: version %d next %d, want 4 and +30 days", got.currentVersion(), got.nextRotation)
	}
}

func TestRotationStopsWhilePendingAndAt100Versions(t *testing.T) {
	s, c := newTestStore()
	pending := mustStoreCreate(t, s, KeySpec{Name: "pending", RotationDays: 1})
	busy := mustStoreCreate(t, s, KeySpec{Name: "busy", RotationDays: 1})
	if _, err := s.requestDeletion(pending.tag); err != nil {
		t.Fatal(err)
	}
	c.advance(2 * 24 * time.Hour)
	if got, _ := s.get(pending.tag); got.currentVersion() != 1 {
		t.Fatalf("a key pending deletion rotated to version %d", got.currentVersion())
	}
	c.advance(400 * 24 * time.Hour)
	if got, _ := s.get(busy.tag); got.currentVersion() != maxKeyVersions {
		t.Fatalf("after 402 daily rotations the version is %d, want the cap %d", got.currentVersion(), maxKeyVersions)
	}
}

func TestManualKeyNeverRotates(t *testing.T) {
	s, c := newTestStore()
	k := mustStoreCreate(t, s, KeySpec{Name: "manual"})
	c.advance(1000 * 24 * time.Hour)
	if got, _ := s.get(k.tag); got.currentVersion() != 1 || got.nextRotation != 0 {
		t.Fatalf("manual key = %+v", got)
	}
}

func TestRotationPeriodRestartsTheSchedule(t *testing.T) {
	s, c := newTestStore()
	k := mustStoreCreate(t, s, KeySpec{Name: "period", RotationDays: 30})
	c.advance(5 * 24 * time.Hour)
	got, err := s.setRotationPeriod(k.tag, 7)
	if err != nil {
		t.Fatal(err)
	}
	if want := c.nowMillis() + 7*dayMillis; got.period != 7 || got.nextRotation > want || got.nextRotation < want-1000 {
		t.Fatalf("after setting 7 days: %+v, want next rotation near %d", got, want)
	}
	off, _ := s.disableAutoRotation(k.tag)
	if off.autoRotation || off.nextRotation != 0 || off.shownPeriod() != 0 || off.period != 7 {
		t.Fatalf("after disabling: %+v, want the period remembered but not shown", off)
	}
}

func TestDestroyDateBoundary(t *testing.T) {
	s, c := newTestStore()
	k := mustStoreCreate(t, s, KeySpec{Name: "boundary"})
	pending, _ := s.requestDeletion(k.tag)
	remaining := time.Duration(pending.destroyDate-c.nowMillis()) * time.Millisecond
	c.advance(remaining - time.Millisecond)
	if _, err := s.get(k.tag); err != nil {
		t.Fatalf("a millisecond before destroyDate: %v", err)
	}
	c.advance(time.Millisecond)
	_, err := s.get(k.tag)
	wantStatus(t, err, 404)
}

func TestDestroyKeepsCreationOrder(t *testing.T) {
	s, _ := newTestStore()
	var tags []string
	for i := range 5 {
		tags = append(tags, mustStoreCreate(t, s, KeySpec{Name: fmt.Sprintf("key%d", i)}).tag)
	}
	if _, err := s.requestDeletion(tags[2]); err != nil {
		t.Fatal(err)
	}
	if err := s.destroy(tags[2]); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, k := range s.all() {
		got = append(got, k.tag)
	}
	want := []string{tags[0], tags[1], tags[3], tags[4]}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("order after destroy = %v, want %v", got, want)
	}
	wantStatus(t, s.destroy(tags[2]), 404)
}

func TestTagsAreUniqueLowerHex(t *testing.T) {
	s, _ := newTestStore()
	seen := map[string]bool{}
	for i := range 200 {
		tag := mustStoreCreate(t, s, KeySpec{Name: fmt.Sprintf("k%03d", i)}).tag
		if len(tag) != 64 || seen[tag] {
			t.Fatalf("tag %q: wrong length or repeated", tag)
		}
		for _, ch := range tag {
			if (ch < '0' || ch > '9') && (ch < 'a' || ch > 'f') {
				t.Fatalf("tag %q has %q", tag, ch)
			}
		}
		seen[tag] = true
	}
}

// TestConcurrentCreatesOfOneName: exactly one of many racing creates wins the name.
func TestConcurrentCreatesOfOneName(t *testing.T) {
	s, _ := newTestStore()
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, conflicts := 0, 0
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.create(KeySpec{Name: "racer", Type: "AES256", ProtectionType: "BASIC"}.input())
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				wins++
			} else {
				conflicts++
			}
		}()
	}
	wg.Wait()
	if wins != 1 || conflicts != 31 {
		t.Fatalf("%d creates won and %d conflicted, want 1 and 31", wins, conflicts)
	}
}
