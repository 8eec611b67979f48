package kmsmock

import "sync"

// Call is one /kms/v1 request as the mock saw it. Path excludes the query.
type Call struct {
	Method, Path, Query string
	Status              int  // the status sent, or that would have been sent when Dropped; 0 while in flight
	Dropped             bool // the connection was closed instead of answering
	Fault               bool // answered by an injected fault or the rate limit, not by the model
}

// journal records calls in arrival order. An entry is reserved on arrival and completed before the
// answer leaves, so a client that got an answer (or a dropped connection) finds its call complete.
type journal struct {
	mu    sync.Mutex
	calls []*Call
}

func (j *journal) begin(method, path, query string) *Call {
	c := &Call{Method: method, Path: path, Query: query}
	j.mu.Lock()
	j.calls = append(j.calls, c)
	j.mu.Unlock()
	return c
}

func (j *journal) finish(c *Call, status int, dropped, fault bool) {
	j.mu.Lock()
	c.Status, c.Dropped, c.Fault = status, dropped, fault
	j.mu.Unlock()
}

func (j *journal) snapshot() []Call {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]Call, len(j.calls))
	for i, c := range j.calls {
		out[i] = *c
	}
	return out
}

func (j *journal) reset() {
	j.mu.Lock()
	j.calls = nil
	j.mu.Unlock()
}
