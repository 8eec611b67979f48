package kmsmock

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
)

// RandomFaults makes a share of requests fail. The shares are drawn from one seeded generator, so
// the same seed and the same request sequence give the same faults.
type RandomFaults struct {
	Throttle    float64 // share answered 429 TOO_MANY_REQUESTS with Retry-After: 1
	ServerError float64 // share answered 500/502/503/504 at random
	Drop        float64 // share processed, then the connection closed without an answer
	Seed        int64
}

// Fault is a scripted fault for the next Times matching requests (FIFO among matches).
type Fault struct {
	Method     string // "" matches any
	PathSuffix string // matched against URL.Path with strings.HasSuffix; "" matches any
	Status     int    // answer with this status (429 adds Retry-After); 0 with Drop
	RetryAfter int    // seconds, for 429 (default 1)
	Drop       bool   // process the request normally, then drop the connection (HTTP/2: reset the stream)
	Times      int    // default 1
	After      int    // matching requests that go through untouched before the fault applies (default 0)
}

func (f Fault) matches(method, path string) bool {
	return (f.Method == "" || strings.EqualFold(f.Method, method)) && strings.HasSuffix(path, f.PathSuffix)
}

// serverErrorStatuses are the statuses a random server error picks from.
var serverErrorStatuses = []int{
	http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout,
}

// faultPlan is what an injected fault does to one request: answer with status instead of the
// model, or let the model answer and then drop the connection.
type faultPlan struct {
	status     int
	retryAfter int
	drop       bool
}

// faultInjector holds the scripted queue and the random shares.
type faultInjector struct {
	mu       sync.Mutex
	scripted []Fault
	random   RandomFaults
	rng      *rand.Rand
}

func (f *faultInjector) setRandom(r RandomFaults) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.random = r
	seed := uint64(r.Seed)
	f.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

func (f *faultInjector) inject(fault Fault) {
	if fault.Times <= 0 {
		fault.Times = 1
	}
	if fault.RetryAfter <= 0 {
		fault.RetryAfter = 1
	}
	if fault.Status == 0 && !fault.Drop {
		fault.Status = http.StatusInternalServerError
	}
	f.mu.Lock()
	f.scripted = append(f.scripted, fault)
	f.mu.Unlock()
}

// next decides the fault for one request: the oldest matching scripted fault first, else a random
// draw. ok is false when the request goes through untouched.
func (f *faultInjector) next(method, path string) (plan faultPlan, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.scripted {
		fault := &f.scripted[i]
		if !fault.matches(method, path) {
			continue
		}
		if fault.After > 0 {
			fault.After--
			continue
		}
		plan = faultPlan{status: fault.Status, retryAfter: fault.RetryAfter, drop: fault.Drop}
		if fault.Times--; fault.Times == 0 {
			f.scripted = append(f.scripted[:i], f.scripted[i+1:]...)
		}
		return plan, true
	}
	return f.drawRandom()
}

func (f *faultInjector) drawRandom() (faultPlan, bool) {
	r := f.random
	if r.Throttle <= 0 && r.ServerError <= 0 && r.Drop <= 0 {
		return faultPlan{}, false
	}
	u := f.rng.Float64()
	switch {
	case u < r.Throttle:
		return faultPlan{status: http.StatusTooManyRequests, retryAfter: 1}, true
	case u < r.Throttle+r.ServerError:
		return faultPlan{status: serverErrorStatuses[f.rng.IntN(len(serverErrorStatuses))]}, true
	case u < r.Throttle+r.ServerError+r.Drop:
		return faultPlan{drop: true}, true
	}
	return faultPlan{}, false
}
