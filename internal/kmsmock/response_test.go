package kmsmock

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestFailureMapsErrors(t *testing.T) {
	if r := failure(errInvalidStatus()); r.status != 422 || r.body != (errorBody{"UNPROCESSABLE_ENTITY", "Invalid status"}) {
		t.Fatalf("api error -> %+v", r)
	}
	if r := failure(&authError{"why"}); r.status != 401 || r.body.(gatewayError).Error.Details != "why" {
		t.Fatalf("auth error -> %+v", r)
	}
	if r := failure(errors.New("boom")); r.status != 500 {
		t.Fatalf("other error -> %+v", r)
	}
}

func TestFaultResponse(t *testing.T) {
	if r := faultResponse(faultPlan{status: 429, retryAfter: 3}); r.retryAfter != 3 || r.body.(errorBody).Code != "TOO_MANY_REQUESTS" {
		t.Fatalf("429 -> %+v", r)
	}
	if r := faultResponse(faultPlan{status: 500, retryAfter: 3}); r.retryAfter != 0 || r.body.(errorBody).Code != "INTERNAL_SERVER_ERROR" {
		t.Fatalf("500 -> %+v", r)
	}
}

func TestWriteSetsCommonHeaders(t *testing.T) {
	s := New(Options{})
	rec := httptest.NewRecorder()
	s.write(rec, success(map[string]int{"n": 1}))
	h := rec.Result().Header
	if rec.Code != 200 || rec.Body.String() != `{"code":"SUCCESS","data":{"n":1}}` {
		t.Fatalf("write: %d %s", rec.Code, rec.Body)
	}
	if h.Get("Content-Length") != "33" || !strings.HasPrefix(h.Get("Content-Type"), "application/json") ||
		h.Get("Date") == "" || h.Get("x-ncp-request-id") == "" {
		t.Fatalf("headers: %v", h)
	}
}

// TestDropWithoutHijack: a writer that cannot hijack gets the response aborted instead.
func TestDropWithoutHijack(t *testing.T) {
	defer func() {
		if r := recover(); r != http.ErrAbortHandler {
			t.Fatalf("recovered %v, want http.ErrAbortHandler", r)
		}
	}()
	dropConnection(httptest.NewRecorder())
	t.Fatal("dropConnection returned")
}

func TestRequestIDsDiffer(t *testing.T) {
	if a, b := newRequestID(), newRequestID(); a == b || len(a) != 36 {
		t.Fatalf("request ids %q %q", a, b)
	}
}
