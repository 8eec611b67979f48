package kmsmock

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"
)

func TestNewDefaults(t *testing.T) {
	s := New(Options{})
	if s.AccessKey() != DefaultAccessKey || s.SecretKey() != DefaultSecretKey {
		t.Fatalf("credentials %q/%q, want the defaults", s.AccessKey(), s.SecretKey())
	}
	if d := time.Since(s.Now()); d < -time.Second || d > time.Second {
		t.Fatalf("zero Start: the mock clock is %v off real time", d)
	}
	s = New(Options{AccessKey: "AK", SecretKey: "SK"})
	if s.AccessKey() != "AK" || s.SecretKey() != "SK" {
		t.Fatal("explicit credentials ignored")
	}
}

func TestLatency(t *testing.T) {
	c := newTestClient(t, Options{Latency: 200 * time.Millisecond})
	timed := func() time.Duration {
		start := time.Now()
		c.call("GET", "/kms/v1/keys", nil).data(t, nil)
		return time.Since(start)
	}
	if d := timed(); d < 200*time.Millisecond {
		t.Fatalf("answer after %v, want at least 200ms", d)
	}
	c.server.SetLatency(0)
	if d := timed(); d > 150*time.Millisecond {
		t.Fatalf("answer after %v with no latency", d)
	}
}

func TestLatencyEndsWhenTheClientGivesUp(t *testing.T) {
	c := newTestClient(t, Options{Latency: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req := c.request("GET", "/kms/v1/keys", nil).WithContext(ctx)
	c.signAt(req, c.server.GatewayNow())
	if resp, err := c.http.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("answered despite a minute of latency")
	}
	if j := c.server.Journal(); len(j) != 1 || j[0].Status != 0 {
		t.Fatalf("journal = %+v, want the abandoned call with status 0", j)
	}
}

func TestJournalOverHTTP(t *testing.T) {
	c := newTestClient(t, Options{})
	var k Key
	c.call("POST", "/kms/v1/keys", createBody(nil)).data(t, &k)
	c.call("GET", "/kms/v1/keys?pageNo=1&pageSize=200", nil)
	c.call("PUT", "/kms/v1/keys/"+k.KeyTag+"/memo", map[string]any{"memo": "x"})
	c.call("POST", "/kms/v1/keys/"+k.KeyTag+"/enable-auto-rotation", nil)
	c.call("POST", "/kms/v1/keys/"+k.KeyTag+"/cancel-deletion", nil)
	c.send(c.request("DELETE", "/kms/v1/keys/"+k.KeyTag, nil))
	c.call("GET", "/_mock/journal", nil) // helpers are not journaled
	want := []Call{
		{Method: "POST", Path: "/kms/v1/keys", Status: 200},
		{Method: "GET", Path: "/kms/v1/keys", Query: "pageNo=1&pageSize=200", Status: 200},
		{Method: "PUT", Path: "/kms/v1/keys/" + k.KeyTag + "/memo", Status: 200},
		{Method: "POST", Path: "/kms/v1/keys/" + k.KeyTag + "/enable-auto-rotation", Status: 200},
		{Method: "POST", Path: "/kms/v1/keys/" + k.KeyTag + "/cancel-deletion", Status: 422},
		{Method: "DELETE", Path: "/kms/v1/keys/" + k.KeyTag, Status: 401},
	}
	if got := c.server.Journal(); !slices.Equal(got, want) {
		t.Fatalf("journal:\n got %+v\nwant %+v", got, want)
	}
	c.server.ResetJournal()
	c.call("GET", "/kms/v1/keys", nil)
	if got := c.server.Journal(); len(got) != 1 || got[0].Method != http.MethodGet {
		t.Fatalf("after reset: %+v", got)
	}
}

func TestAdvanceClockSettlesImmediately(t *testing.T) {
	s := New(Options{})
	k := mustCreate(t, s, KeySpec{Name: "pending"})
	if err := s.RequestDeletion(k.KeyTag); err != nil {
		t.Fatal(err)
	}
	before := s.Now()
	s.AdvanceClock(72 * time.Hour)
	if s.Now().Sub(before) < 72*time.Hour {
		t.Fatal("clock did not advance")
	}
	if keys := s.Keys(); len(keys) != 0 {
		t.Fatalf("pending key survived its destroyDate: %+v", keys)
	}
}

// TestConcurrentUse runs mixed calls in parallel; with -race it checks the locking.
func TestConcurrentUse(t *testing.T) {
	c := newTestClient(t, Options{})
	c.server.SetRandomFaults(RandomFaults{Throttle: 0.1, Seed: 1})
	done := make(chan struct{})
	for w := range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 20 {
				// no t.Fatal off the test goroutine: decode by hand and let the count below judge
				var created struct{ Data Key }
				got := c.call("POST", "/kms/v1/keys", createBody(map[string]any{"keyName": fmt.Sprintf("w%d_%02d", w, i)}))
				if got.status != 200 || json.Unmarshal(got.body, &created) != nil {
					continue
				}
				c.call("POST", "/kms/v1/keys/"+created.Data.KeyTag+"/disable", nil)
				c.call("GET", "/kms/v1/keys", nil)
				c.server.AdvanceClock(time.Millisecond)
				_ = c.server.Journal()
			}
		}()
	}
	for range 8 {
		<-done
	}
	if n := len(c.server.Journal()); n < 160 {
		t.Fatalf("journal has %d calls, want at least 160", n)
	}
}
