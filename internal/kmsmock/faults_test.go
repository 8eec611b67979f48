package kmsmock

import (
	"net/http"
	"slices"
	"testing"
)

func TestScriptedFaultsAreFIFOAmongMatches(t *testing.T) {
	var f faultInjector
	f.setRandom(RandomFaults{})
	f.inject(Fault{Method: "POST", PathSuffix: "/enable", Status: 500})
	f.inject(Fault{PathSuffix: "/keys", Status: 429, RetryAfter: 7, Times: 2})
	f.inject(Fault{Method: "post", PathSuffix: "/enable", Status: 502})
	f.inject(Fault{Drop: true})

	next := func(method, path string) faultPlan {
		t.Helper()
		plan, ok := f.next(method, path)
		if !ok {
			t.Fatalf("%s %s: no fault, want one", method, path)
		}
		return plan
	}
	if p := next("GET", "/kms/v1/keys"); p.status != 429 || p.retryAfter != 7 {
		t.Fatalf("first /keys = %+v", p)
	}
	if p := next("POST", "/kms/v1/keys/t/enable"); p.status != 500 {
		t.Fatalf("first enable = %+v, want the oldest matching fault (500)", p)
	}
	if p := next("POST", "/kms/v1/keys/t/enable"); p.status != 502 {
		t.Fatalf("second enable = %+v, want 502 (method matched case-insensitively)", p)
	}
	if p := next("POST", "/kms/v1/keys"); p.status != 429 {
		t.Fatalf("second /keys = %+v, want the 429 again (Times 2)", p)
	}
	if p := next("PUT", "/kms/v1/keys/t/memo"); !p.drop {
		t.Fatalf("catch-all = %+v, want the drop", p)
	}
	if p, ok := f.next("POST", "/kms/v1/keys"); ok {
		t.Fatalf("queue should be empty, got %+v", p)
	}
}

// TestScriptedFaultAfter: a fault with After lets that many matching requests through, untouched by
// it, then applies; requests it does not match do not count.
func TestScriptedFaultAfter(t *testing.T) {
	var f faultInjector
	f.setRandom(RandomFaults{})
	f.inject(Fault{Method: "GET", PathSuffix: "/keys", Status: 503, After: 2})
	var got []int
	for _, req := range [][2]string{{"GET", "/kms/v1/keys"}, {"POST", "/kms/v1/keys"}, {"GET", "/kms/v1/keys"}, {"GET", "/kms/v1/keys"}, {"GET", "/kms/v1/keys"}} {
		plan, _ := f.next(req[0], req[1])
		got = append(got, plan.status)
	}
	if want := []int{0, 0, 0, 503, 0}; !slices.Equal(got, want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
}

func TestScriptedFaultDefaults(t *testing.T) {
	var f faultInjector
	f.setRandom(RandomFaults{})
	f.inject(Fault{Status: 429})
	f.inject(Fault{})
	if p, _ := f.next("GET", "/x"); p.status != 429 || p.retryAfter != 1 {
		t.Fatalf("429 without RetryAfter = %+v, want Retry-After 1", p)
	}
	if p, _ := f.next("GET", "/x"); p.status != 500 || p.drop {
		t.Fatalf("empty fault = %+v, want a 500", p)
	}
}

func TestRandomFaultsAreSeeded(t *testing.T) {
	sequence := func(seed int64) []faultPlan {
		var f faultInjector
		f.setRandom(RandomFaults{Throttle: 0.2, ServerError: 0.3, Drop: 0.1, Seed: seed})
		var plans []faultPlan
		for range 200 {
			plan, _ := f.next("GET", "/kms/v1/keys")
			plans = append(plans, plan)
		}
		return plans
	}
	a, b := sequence(42), sequence(42)
	if !slices.Equal(a, b) {
		t.Fatal("the same seed gave different faults")
	}
	if slices.Equal(a, sequence(43)) {
		t.Fatal("another seed gave the same faults")
	}
	counts := map[string]int{}
	for _, p := range a {
		switch {
		case p.drop:
			counts["drop"]++
		case p.status == 429:
			counts["429"]++
		case p.status >= 500:
			counts["5xx"]++
		default:
			counts["none"]++
		}
	}
	for kind, lo := range map[string]int{"drop": 5, "429": 20, "5xx": 35, "none": 55} {
		if counts[kind] < lo {
			t.Fatalf("200 draws gave %v; %s is implausibly rare", counts, kind)
		}
	}
}

func TestScriptedFaultOverHTTPIsNotProcessed(t *testing.T) {
	c := newTestClient(t, Options{})
	c.server.InjectFault(Fault{Method: "POST", PathSuffix: "/keys", Status: 503})
	c.call("POST", "/kms/v1/keys", createBody(nil)).failed(t, 503, "SERVICE_UNAVAILABLE", "")
	if n := len(c.server.Keys()); n != 0 {
		t.Fatalf("a 503 fault created %d keys", n)
	}
	c.call("POST", "/kms/v1/keys", createBody(nil)).data(t, nil)
	want := []Call{
		{Method: "POST", Path: "/kms/v1/keys", Status: 503, Fault: true},
		{Method: "POST", Path: "/kms/v1/keys", Status: 200},
	}
	if got := c.server.Journal(); !slices.Equal(got, want) {
		t.Fatalf("journal = %+v, want %+v", got, want)
	}
}

func TestScriptedThrottleSetsRetryAfter(t *testing.T) {
	c := newTestClient(t, Options{})
	c.server.InjectFault(Fault{Status: 429, RetryAfter: 7})
	c.server.InjectFault(Fault{Status: 429})
	first := c.call("GET", "/kms/v1/keys", nil)
	first.failed(t, 429, "TOO_MANY_REQUESTS", "")
	second := c.call("GET", "/kms/v1/keys", nil)
	if first.header.Get("Retry-After") != "7" || second.header.Get("Retry-After") != "1" {
		t.Fatalf("Retry-After = %q and %q, want 7 and 1", first.header.Get("Retry-After"), second.header.Get("Retry-After"))
	}
	c.server.InjectFault(Fault{Status: 502})
	if got := c.call("GET", "/kms/v1/keys", nil); got.status != 502 || got.header.Get("Retry-After") != "" {
		t.Fatalf("502 fault: %d Retry-After %q", got.status, got.header.Get("Retry-After"))
	}
}

func TestDropProcessesThenClosesTheConnection(t *testing.T) {
	c := newTestClient(t, Options{})
	c.server.InjectFault(Fault{Method: "POST", PathSuffix: "/keys", Drop: true})
	req := c.request("POST", "/kms/v1/keys", createBody(nil))
	c.signAt(req, c.server.GatewayNow())
	resp, err := c.http.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("dropped request got an answer: %d", resp.StatusCode)
	}
	keys := c.server.Keys()
	if len(keys) != 1 || keys[0].KeyName != "alpha" {
		t.Fatalf("the dropped create was not processed: %+v", keys)
	}
	want := []Call{{Method: "POST", Path: "/kms/v1/keys", Status: 200, Dropped: true, Fault: true}}
	if got := c.server.Journal(); !slices.Equal(got, want) {
		t.Fatalf("journal = %+v, want %+v", got, want)
	}
	// the retry a client would make sees the name taken
	c.call("POST", "/kms/v1/keys", createBody(nil)).failed(t, 409, "CONFLICT", "alpha")
}

func TestDropRecordsTheStatusThatWouldHaveBeenSent(t *testing.T) {
	c := newTestClient(t, Options{})
	c.server.InjectFault(Fault{Drop: true})
	req := c.request("POST", "/kms/v1/keys/"+unknownTag+"/enable", nil)
	c.signAt(req, c.server.GatewayNow())
	if resp, err := c.http.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("dropped request got an answer")
	}
	if got := c.server.Journal(); len(got) != 1 || got[0].Status != 404 || !got[0].Dropped {
		t.Fatalf("journal = %+v, want a dropped 404", got)
	}
}

func TestFaultsComeBeforeTheSignatureCheck(t *testing.T) {
	c := newTestClient(t, Options{})
	c.server.InjectFault(Fault{Status: 504})
	if got := c.send(c.request("GET", "/kms/v1/keys", nil)); got.status != 504 {
		t.Fatalf("unsigned request under a 504 fault: %d", got.status)
	}
}

func TestRandomFaultsOverHTTP(t *testing.T) {
	c := newTestClient(t, Options{Faults: RandomFaults{Throttle: 1}})
	for range 5 {
		got := c.call("GET", "/kms/v1/keys", nil)
		got.failed(t, 429, "TOO_MANY_REQUESTS", "")
		if got.header.Get("Retry-After") != "1" {
			t.Fatalf("random throttle Retry-After = %q", got.header.Get("Retry-After"))
		}
	}

	c.server.SetRandomFaults(RandomFaults{ServerError: 1, Seed: 7})
	seen := map[int]bool{}
	for range 40 {
		got := c.call("POST", "/kms/v1/keys", createBody(nil))
		if !slices.Contains(serverErrorStatuses, got.status) {
			t.Fatalf("random server error gave %d", got.status)
		}
		seen[got.status] = true
	}
	if len(seen) < 3 {
		t.Fatalf("40 server errors used only %v", seen)
	}
	if n := len(c.server.Keys()); n != 0 {
		t.Fatalf("server errors created %d keys", n)
	}

	c.server.SetRandomFaults(RandomFaults{Drop: 1})
	req := c.request("POST", "/kms/v1/keys", createBody(nil))
	c.signAt(req, c.server.GatewayNow())
	if resp, err := c.http.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("random drop answered")
	}
	if n := len(c.server.Keys()); n != 1 {
		t.Fatalf("the dropped create left %d keys, want 1", n)
	}

	c.server.SetRandomFaults(RandomFaults{})
	c.call("GET", "/kms/v1/keys", nil).data(t, nil)
	for _, call := range c.server.Journal()[:46] {
		if !call.Fault {
			t.Fatalf("faulted call not marked: %+v", call)
		}
	}
}

func TestRandomFaultsOverHTTPAreReproducible(t *testing.T) {
	statuses := func() []int {
		c := newTestClient(t, Options{Faults: RandomFaults{Throttle: 0.3, ServerError: 0.3, Seed: 99}})
		var out []int
		for range 30 {
			out = append(out, c.call("GET", "/kms/v1/keys", nil).status)
		}
		return out
	}
	a, b := statuses(), statuses()
	if !slices.Equal(a, b) {
		t.Fatalf("same seed, different answers:\n%v\n%v", a, b)
	}
	if !slices.Contains(a, http.StatusOK) || !slices.Contains(a, http.StatusTooManyRequests) {
		t.Fatalf("implausible mix: %v", a)
	}
}
