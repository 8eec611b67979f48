package kmsapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestBackoff_staysBetweenMinAndMax(t *testing.T) {
	minWait, maxWait := 250*time.Millisecond, 10*time.Second
	for attempt := 1; attempt <= 20; attempt++ {
		for range 50 {
			wait := backoff(attempt, minWait, maxWait)
			if wait < minWait || wait > maxWait {
				t.Fatalf("attempt %d: wait %v outside [%v, %v]", attempt, wait, minWait, maxWait)
			}
		}
	}
	// Equal jitter keeps at least half of the exponential step.
	if wait := backoff(5, minWait, maxWait); wait < 2*time.Second {
		t.Errorf("attempt 5 waited %v, want at least half of 4s", wait)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name, value, date string
		want              time.Duration
	}{
		{"seconds", "3", "", 3 * time.Second},
		{"capped seconds", "3600", "", maxRetryAfter},
		{"http date against local clock", now.Add(7 * time.Second).Format(http.TimeFormat), "", 7 * time.Second},
		{"http date against server Date", now.Add(time.Hour + 5*time.Second).Format(http.TimeFormat), now.Add(time.Hour).Format(http.TimeFormat), 5 * time.Second},
		{"capped date", now.Add(time.Hour).Format(http.TimeFormat), "", maxRetryAfter},
		{"past date", now.Add(-time.Minute).Format(http.TimeFormat), "", 0},
		{"garbage", "soon", "", 0},
		{"absent", "", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := http.Header{}
			if tt.value != "" {
				header.Set("Retry-After", tt.value)
			}
			if tt.date != "" {
				header.Set("Date", tt.date)
			}
			if got := parseRetryAfter(header, now); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// failingThen answers the first failures requests with fail, then with a key.
func failingThen(t *testing.T, failures int, fail func(w http.ResponseWriter)) *fakeServer {
	return newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n <= failures {
			fail(w)
			return
		}
		writeSuccess(w, map[string]any{"keyTag": "tag", "memo": "m"})
	})
}

func throttled(retryAfter string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", retryAfter)
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"code": "TOO_MANY_REQUESTS", "msg": "Too many requests"})
	}
}

func serverError(status int) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		writeJSON(w, status, map[string]string{"code": "INTERNAL_SERVER_ERROR", "msg": "Server internal error"})
	}
}

func TestRetry_429HonoursRetryAfter(t *testing.T) {
	fs := failingThen(t, 2, throttled("3"))
	client, waits := newTestClient(t, fs.endpoint())
	if _, err := client.GetKey(context.Background(), "tag"); err != nil {
		t.Fatalf("GetKey: %v", err)
	}
	if fs.Count() != 3 {
		t.Errorf("%d requests, want 3", fs.Count())
	}
	if got := waits.Waits(); len(got) != 2 || got[0] != 3*time.Second || got[1] != 3*time.Second {
		t.Errorf("waits %v, want [3s 3s] (Retry-After beyond MaxBackoff is honoured)", got)
	}
}

func TestRetry_5xxThenSuccess(t *testing.T) {
	for _, status := range []int{500, 502, 503, 504} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			fs := failingThen(t, 3, serverError(status))
			client, waits := newTestClient(t, fs.endpoint())
			if _, err := client.GetKey(context.Background(), "tag"); err != nil {
				t.Fatalf("GetKey: %v", err)
			}
			if fs.Count() != 4 || len(waits.Waits()) != 3 {
				t.Errorf("%d requests and %d waits, want 4 and 3", fs.Count(), len(waits.Waits()))
			}
			for _, wait := range waits.Waits() {
				if wait < 10*time.Millisecond || wait > 80*time.Millisecond {
					t.Errorf("wait %v outside [MinBackoff, MaxBackoff]", wait)
				}
			}
		})
	}
}

// A PUT whose connection drops is sent again, with the same body.
func TestRetry_droppedConnectionResendsBody(t *testing.T) {
	fs := failingThen(t, 1, func(w http.ResponseWriter) { dropConnection(t, w) })
	client, _ := newTestClient(t, fs.endpoint())
	if err := client.UpdateMemo(context.Background(), "tag", "hello"); err != nil {
		t.Fatalf("UpdateMemo: %v", err)
	}
	requests := fs.Requests()
	if len(requests) != 2 {
		t.Fatalf("%d requests, want 2", len(requests))
	}
	for _, r := range requests {
		if r.Method != http.MethodPut || r.Body != `{"memo":"hello"}` {
			t.Errorf("request %s body %q, want PUT {\"memo\":\"hello\"}", r.Method, r.Body)
		}
	}
}

func TestRetry_givesUpWithAttemptsAndLastCause(t *testing.T) {
	tests := []struct {
		name       string
		fail       func(t *testing.T) func(w http.ResponseWriter)
		wantInText string
		classify   func(error) bool
	}{
		{"429", func(*testing.T) func(http.ResponseWriter) { return throttled("1") }, "HTTP 429 TOO_MANY_REQUESTS", IsThrottled},
		{"503", func(*testing.T) func(http.ResponseWriter) { return serverError(503) }, "HTTP 503", IsRetryable},
		{"dropped", func(t *testing.T) func(http.ResponseWriter) {
			return func(w http.ResponseWriter) { dropConnection(t, w) }
		}, "failed without an answer", IsRetryable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := failingThen(t, 100, tt.fail(t))
			client, waits := newTestClient(t, fs.endpoint())
			err := client.UpdateMemo(context.Background(), "tag", "m")
			if err == nil {
				t.Fatal("want an error")
			}
			if fs.Count() != 4 || len(waits.Waits()) != 3 {
				t.Errorf("%d requests and %d waits, want 4 and 3", fs.Count(), len(waits.Waits()))
			}
			for _, want := range []string{"gave up after 4 attempts", tt.wantInText} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
			if apiErr, _ := asAPIError(err); apiErr == nil || apiErr.Attempts != 4 {
				t.Errorf("Attempts not 4: %#v", err)
			}
			if !tt.classify(err) {
				t.Errorf("error %v misclassified", err)
			}
		})
	}
}

func TestRetry_neverOnClientErrors(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 409, 422} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			fs := failingThen(t, 100, func(w http.ResponseWriter) {
				writeJSON(w, status, map[string]string{"code": "SOME_CODE", "msg": "no"})
			})
			client, waits := newTestClient(t, fs.endpoint())
			_, err := client.GetKey(context.Background(), "tag")
			if err == nil || fs.Count() != 1 || len(waits.Waits()) != 0 {
				t.Errorf("err %v after %d requests and %d waits, want an error after exactly 1 request", err, fs.Count(), len(waits.Waits()))
			}
			if apiErr, _ := asAPIError(err); apiErr == nil || apiErr.StatusCode != status || apiErr.Attempts != 1 {
				t.Errorf("got %#v", err)
			}
		})
	}
}

func TestRetry_cancelledContextStopsAtOnce(t *testing.T) {
	fs := failingThen(t, 100, serverError(503))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	client, _ := newTestClient(t, fs.endpoint(), func(c *Config) {
		c.Sleep = func(ctx context.Context, d time.Duration) error {
			cancel() // the user presses Ctrl-C during the first wait
			<-ctx.Done()
			return ctx.Err()
		}
	})
	_, err := client.GetKey(ctx, "tag")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v does not wrap context.Canceled", err)
	}
	if fs.Count() != 1 {
		t.Errorf("%d requests reached the server, want 1", fs.Count())
	}
	if IsRetryable(err) {
		t.Error("a cancelled call must not look retryable")
	}
	if !strings.Contains(err.Error(), "HTTP 503") {
		t.Errorf("error %q does not mention the last failure", err)
	}

	// Already cancelled: nothing is sent at all.
	if _, err := client.GetKey(ctx, "tag"); !errors.Is(err, context.Canceled) || fs.Count() != 1 {
		t.Errorf("pre-cancelled call: err %v, %d requests", err, fs.Count())
	}
}

func TestRetry_cancelDuringRequest(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fs := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		cancel()
		<-r.Context().Done() // hold the answer until the client gives up
	})
	client, waits := newTestClient(t, fs.endpoint())
	_, err := client.GetKey(ctx, "tag")
	if !errors.Is(err, context.Canceled) || fs.Count() != 1 || len(waits.Waits()) != 0 {
		t.Errorf("err %v after %d requests and %d waits, want context.Canceled after 1 request", err, fs.Count(), len(waits.Waits()))
	}
}

func TestRetry_stopsWhenDeadlineComesBeforeNextAttempt(t *testing.T) {
	fs := failingThen(t, 100, throttled("30"))
	client, waits := newTestClient(t, fs.endpoint())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := client.GetKey(ctx, "tag")
	if !IsThrottled(err) || fs.Count() != 1 || len(waits.Waits()) != 0 {
		t.Errorf("err %v after %d requests and %d waits, want the 429 at once", err, fs.Count(), len(waits.Waits()))
	}
	if !strings.Contains(err.Error(), "deadline") {
		t.Errorf("error %q does not explain why it stopped", err)
	}
}

func TestRetry_perAttemptTimeout(t *testing.T) {
	fs := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			<-r.Context().Done()
			return
		}
		writeSuccess(w, map[string]any{"keyTag": "tag"})
	})
	client, _ := newTestClient(t, fs.endpoint(), func(c *Config) { c.RequestTimeout = 100 * time.Millisecond })
	if _, err := client.GetKey(context.Background(), "tag"); err != nil {
		t.Fatalf("GetKey after a timed-out attempt: %v", err)
	}
	if fs.Count() != 2 {
		t.Errorf("%d requests, want 2", fs.Count())
	}
}

func TestSleepContext(t *testing.T) {
	start := time.Now()
	if err := sleepContext(context.Background(), 20*time.Millisecond); err != nil || time.Since(start) < 20*time.Millisecond {
		t.Errorf("plain wait: %v after %v", err, time.Since(start))
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(10*time.Millisecond, cancel)
	start = time.Now()
	if err := sleepContext(ctx, time.Hour); !errors.Is(err, context.Canceled) || time.Since(start) > 5*time.Second {
		t.Errorf("cancelled wait: %v after %v", err, time.Since(start))
	}
}

// TestRetry_neverOnRefusedCertificates: a server whose certificate the client does not trust
// gets one handshake and no retry; the error says the certificate was refused and that nothing
// was sent, and it is not retryable.
func TestRetry_neverOnRefusedCertificates(t *testing.T) {
	var requests atomic.Int32
	server := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
	}))
	var handshakes atomic.Int32
	server.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			handshakes.Add(1)
		}
	}
	server.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	server.StartTLS()
	t.Cleanup(server.Close)
	client, waits := newTestClient(t, server.URL+"/kms/v1")
	_, err := client.GetKey(context.Background(), "tag")
	if err == nil {
		t.Fatal("want an error")
	}
	if handshakes.Load() != 1 || requests.Load() != 0 || len(waits.Waits()) != 0 {
		t.Errorf("%d connections, %d requests and %d waits, want 1, 0 and 0", handshakes.Load(), requests.Load(), len(waits.Waits()))
	}
	for _, want := range []string{"TLS certificate was refused", "was not sent", "SSL_CERT_FILE", "x509"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if IsRetryable(err) {
		t.Errorf("error %v is retryable", err)
	}
}
