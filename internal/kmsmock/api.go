package kmsmock

import (
	"context"
	"net/http"
	"time"
)

// serveAPI runs one /kms/v1 request through the gateway stages: journal, latency, rate limit,
// faults, signature or token check, then the model. The journal entry is completed before anything is sent.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	call := s.journal.begin(r.Method, r.URL.Path, r.URL.RawQuery)
	s.signatures.record(r.Header.Get(headerSignature))
	if !sleep(r.Context(), time.Duration(s.latency.Load())) {
		return // the client went away; its call stays with status 0
	}
	resp, plan, faulted := s.decide(r)
	s.journal.finish(call, resp.status, plan.drop, faulted)
	if plan.drop {
		dropConnection(w)
		return
	}
	s.write(w, resp)
}

// decide computes the answer. A status fault replaces the model (the request is not processed);
// a drop fault lets the model process the request and only withholds its answer.
func (s *Server) decide(r *http.Request) (resp apiResponse, plan faultPlan, faulted bool) {
	if ok, retryAfter := s.limiter.take(); !ok {
		return faultResponse(faultPlan{status: http.StatusTooManyRequests, retryAfter: retryAfter}), faultPlan{}, true
	}
	plan, faulted = s.faults.next(r.Method, r.URL.Path)
	if faulted && !plan.drop {
		return faultResponse(plan), plan, true
	}
	if isTokenRequest(r) {
		return s.dispatchToken(r), plan, faulted
	}
	if err := authenticate(r, s.accessKey, s.secretKey, s.GatewayNow()); err != nil {
		return failure(err), plan, faulted
	}
	return s.dispatch(r), plan, faulted
}

// sleep waits d unless ctx ends first; it reports whether the full wait happened.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
