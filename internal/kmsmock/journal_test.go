package kmsmock

import (
	"sync"
	"testing"
)

func TestJournalKeepsArrivalOrderAndCompletesLater(t *testing.T) {
	var j journal
	first := j.begin("POST", "/kms/v1/keys", "")
	second := j.begin("GET", "/kms/v1/keys", "pageNo=1")
	j.finish(second, 200, false, false)
	if got := j.snapshot(); got[0].Status != 0 || got[1].Status != 200 {
		t.Fatalf("in-flight call should read 0, finished 200: %+v", got)
	}
	j.finish(first, 200, true, true)
	want := []Call{
		{Method: "POST", Path: "/kms/v1/keys", Status: 200, Dropped: true, Fault: true},
		{Method: "GET", Path: "/kms/v1/keys", Query: "pageNo=1", Status: 200},
	}
	got := j.snapshot()
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("journal = %+v, want %+v", got, want)
	}
	got[0].Status = 999
	if j.snapshot()[0].Status != 200 {
		t.Fatal("snapshot is not a copy")
	}
	j.reset()
	if n := len(j.snapshot()); n != 0 {
		t.Fatalf("after reset %d calls remain", n)
	}
	j.finish(first, 500, false, false) // a call finishing after a reset does not come back
	if n := len(j.snapshot()); n != 0 {
		t.Fatalf("a detached call reappeared: %d calls", n)
	}
}

func TestJournalConcurrentUse(t *testing.T) {
	var j journal
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := j.begin("GET", "/kms/v1/keys", "")
			j.finish(c, 200, false, false)
			_ = j.snapshot()
		}()
	}
	wg.Wait()
	if n := len(j.snapshot()); n != 50 {
		t.Fatalf("recorded %d calls, want 50", n)
	}
}
