package kmsmock

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"
)

func TestMockJournalHelper(t *testing.T) {
	c := newTestClient(t, Options{})
	c.call("POST", "/kms/v1/keys", createBody(nil))
	c.call("GET", "/kms/v1/keys?pageNo=2", nil)
	c.send(c.request("GET", "/kms/v1/keys", nil))
	got := c.send(c.request("GET", "/_mock/journal", nil)) // unsigned
	var entries []journalEntry
	if got.status != 200 || json.Unmarshal(got.body, &entries) != nil {
		t.Fatalf("journal helper: %d %s", got.status, got.body)
	}
	want := []journalEntry{{"POST", "/kms/v1/keys", 200}, {"GET", "/kms/v1/keys", 200}, {"GET", "/kms/v1/keys", 401}}
	if !slices.Equal(entries, want) {
		t.Fatalf("journal helper = %+v, want %+v", entries, want)
	}
	c.server.ResetJournal()
	if got := c.send(c.request("GET", "/_mock/journal", nil)); string(got.body) != "[]" {
		t.Fatalf("empty journal = %s, want []", got.body)
	}
}

func TestMockClockHelper(t *testing.T) {
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	c := newTestClient(t, Options{Start: start})
	k := mustCreate(t, c.server, KeySpec{Name: "doomed"})
	if err := c.server.RequestDeletion(k.KeyTag); err != nil {
		t.Fatal(err)
	}
	got := c.send(c.request("POST", "/_mock/clock?advance=72h", nil))
	var answer struct{ Now time.Time }
	if got.status != 200 || json.Unmarshal(got.body, &answer) != nil || answer.Now.Sub(start) < 72*time.Hour {
		t.Fatalf("clock helper: %d %s", got.status, got.body)
	}
	if _, ok := c.server.Key(k.KeyTag); ok {
		t.Fatal("the pending key survived advancing 72h")
	}
	for _, bad := range []string{"", "?advance=", "?advance=3days", "?advance=-1h"} {
		c.send(c.request("POST", "/_mock/clock"+bad, nil)).failed(t, 400, "INVALID_REQUEST", "advance")
	}
	c.send(c.request("GET", "/_mock/clock?advance=1h", nil)).failed(t, 405, "METHOD_NOT_ALLOWED", "POST")
	c.send(c.request("POST", "/_mock/journal", nil)).failed(t, 405, "METHOD_NOT_ALLOWED", "GET")
	c.send(c.request("GET", "/_mock/other", nil)).failed(t, 404, "NOT_FOUND", "/_mock/other")
}

func TestMockHelpersRefuseRemoteClients(t *testing.T) {
	s := New(Options{})
	k, err := s.CreateKey(KeySpec{Name: "remote", Type: "AES256", ProtectionType: "BASIC"})
	if err != nil {
		t.Fatal(err)
	}
	tag := k.KeyTag
	for _, remote := range []string{"203.0.113.5:4000", "[2001:db8::1]:4000", "10.0.0.1:1", "garbage"} {
		for _, target := range []string{"/_mock/journal", "/_mock/clock?advance=1h", "/_mock/use?tag=" + tag + "&action=encrypt"} {
			method := http.MethodGet
			if target != "/_mock/journal" {
				method = http.MethodPost
			}
			req := httptest.NewRequest(method, target, nil)
			req.RemoteAddr = remote
			rec := httptest.NewRecorder()
			before := s.Now()
			s.Handler().ServeHTTP(rec, req)
			if rec.Code != http.StatusForbidden {
				t.Fatalf("%s %s from %s: %d, want 403", method, target, remote, rec.Code)
			}
			if s.Now().Sub(before) > time.Minute {
				t.Fatal("a refused clock call moved the clock")
			}
			if uses, _ := s.Uses(tag); len(uses) != 0 {
				t.Fatal("a refused use call recorded a use")
			}
		}
	}
	for _, remote := range []string{"127.0.0.1:5000", "[::1]:5000"} {
		req := httptest.NewRequest(http.MethodGet, "/_mock/journal", nil)
		req.RemoteAddr = remote
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("from %s: %d, want 200", remote, rec.Code)
		}
	}
}
