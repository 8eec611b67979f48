package provider

// What the fault runs met and did: a transport that counts the client's retries, and the fault
// table built from it and from the mock's journal.

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

// resendCounter is a transport that counts the client's retries: a request identical to one (same
// method, URI and body) whose answer was a 429, a 5xx or no answer at all. Go's transport may
// itself repeat an idempotent request on a broken keep-alive connection; that repeat shows in the
// mock's journal but not here. Identical requests of different calls in flight at the same time
// (key list pages) are counted as one, which can overstate their attempts.
//
// answerDelay, when set, holds every answer back after the mock has processed the request, so that
// a cancellation can come while the outcome is already decided but not yet known to the client,
// as on a real network.
type resendCounter struct {
	next        http.RoundTripper
	answerDelay time.Duration
	mu          sync.Mutex
	failed      map[string]int
	retries     int
	maxAttempts int         // most attempts one request needed until it was answered otherwise than 429/5xx/nothing
	attempts    map[int]int // requests by the number of attempts they needed, over the counter's life
}

func newResendCounter() *resendCounter {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 64
	return &resendCounter{next: transport, failed: map[string]int{}, attempts: map[int]int{}}
}

func (c *resendCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	id := req.Method + " " + req.URL.RequestURI()
	if req.GetBody != nil {
		if body, err := req.GetBody(); err == nil {
			data, _ := io.ReadAll(body)
			id += " " + string(data)
		}
	}
	c.mu.Lock()
	if c.failed[id] > 0 {
		c.retries++
	}
	c.mu.Unlock()
	resp, err := c.next.RoundTrip(req)
	if err == nil && c.answerDelay > 0 {
		select {
		case <-time.After(c.answerDelay):
		case <-req.Context().Done():
			_ = resp.Body.Close()
			resp, err = nil, req.Context().Err()
		}
	}
	c.mu.Lock()
	if err != nil || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		c.failed[id]++
	} else {
		c.maxAttempts = max(c.maxAttempts, c.failed[id]+1)
		c.attempts[c.failed[id]+1]++
		delete(c.failed, id)
	}
	c.mu.Unlock()
	return resp, err
}

// AttemptsHistogram renders how many requests needed 1, 2, … attempts, e.g. "1:640 2:210 3:61".
func (c *resendCounter) AttemptsHistogram() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var parts []string
	for n := 1; n <= c.maxAttemptsEver(); n++ {
		parts = append(parts, fmt.Sprintf("%d:%d", n, c.attempts[n]))
	}
	return strings.Join(parts, " ")
}

func (c *resendCounter) maxAttemptsEver() int {
	most := 0
	for n := range c.attempts {
		most = max(most, n)
	}
	return most
}

// Take returns the retries counted since the last call, and the most attempts one request needed.
func (c *resendCounter) Take() (retries, maxAttempts int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	retries, maxAttempts = c.retries, c.maxAttempts
	c.retries, c.maxAttempts = 0, 0
	return retries, maxAttempts
}

// faultRow is one line of the fault table: what one Terraform step met and did.
type faultRow struct {
	Run, Step                            string
	Requests, Throttled, ServerErrors    int
	Drops, Retries, MaxAttempts          int
	Created, Deleted, Orphans, Duplicate int
	Duration                             time.Duration
}

// newFaultRow counts a step's journal.
func newFaultRow(run, step string, journal []kmsmock.Call, resends *resendCounter, took time.Duration) faultRow {
	row := faultRow{Run: run, Step: step, Requests: len(journal), Duration: took}
	row.Retries, row.MaxAttempts = resends.Take()
	for _, c := range journal {
		switch {
		case c.Dropped:
			row.Drops++
		case c.Status == http.StatusTooManyRequests:
			row.Throttled++
		case c.Status >= 500:
			row.ServerErrors++
		}
		if !processed(c) || c.Status != http.StatusOK {
			continue
		}
		switch path := journalPath(c); {
		case c.Method == http.MethodPost && path == "/keys":
			row.Created++
		case c.Method == http.MethodDelete && destructiveTag(c) != "":
			row.Deleted++
		}
	}
	return row
}

// faultTable renders rows as a Markdown table, with a total line per run.
func faultTable(rows []faultRow) string {
	var b bytes.Buffer
	b.WriteString("| run | step | requests | 429 | 5xx | drops | retries | max attempts | keys created | keys deleted | orphans | duplicates | time |\n")
	b.WriteString("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	write := func(r faultRow) {
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %.1fs |\n", r.Run, r.Step, r.Requests,
			r.Throttled, r.ServerErrors, r.Drops, r.Retries, r.MaxAttempts, r.Created, r.Deleted, r.Orphans, r.Duplicate,
			r.Duration.Seconds())
	}
	var runs []string
	totals := map[string]*faultRow{}
	for _, r := range rows {
		write(r)
		total, ok := totals[r.Run]
		if !ok {
			total = &faultRow{Run: r.Run, Step: "**total**"}
			totals[r.Run] = total
			runs = append(runs, r.Run)
		}
		total.Requests += r.Requests
		total.Throttled += r.Throttled
		total.ServerErrors += r.ServerErrors
		total.Drops += r.Drops
		total.Retries += r.Retries
		total.MaxAttempts = max(total.MaxAttempts, r.MaxAttempts)
		total.Created += r.Created
		total.Deleted += r.Deleted
		total.Orphans += r.Orphans
		total.Duplicate += r.Duplicate
		total.Duration += r.Duration
	}
	if len(runs) > 1 || len(rows) > 1 {
		sort.Strings(runs)
		for _, run := range runs {
			write(*totals[run])
		}
	}
	return b.String()
}
