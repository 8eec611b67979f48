package kmsmock

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The three vectors of DESIGN.md §9.
var signatureVectors = []struct{ method, uri, want string }{
	{"GET", "/kms/v1/keys?pageNo=1&pageSize=20", "FMmugP0zXTG+N1CFMGLf/0ko2Vm7podaVtRHMzNRGbM="},
	{"POST", "/kms/v1/keys", "/fWgILuo9tnXA2WlT5edjuppoEZsWHcOdV81KJXN39s="},
	{"DELETE", "/kms/v1/keys/a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7r8s9t0u1v2w3x4y5z6", "6KUVMi5GovTybcB059G6/aLbrMEdtKGlWgxDhy4M524="},
}

func TestSignatureV2Vectors(t *testing.T) {
	for _, v := range signatureVectors {
		if got := signatureV2(v.method, v.uri, "1700000000000", "EXAMPLEACCESSKEY", "EXAMPLESECRETKEY"); got != v.want {
			t.Errorf("mock signer %s %s = %s, want %s", v.method, v.uri, got, v.want)
		}
		if got := testSign(v.method, v.uri, "1700000000000", "EXAMPLEACCESSKEY", "EXAMPLESECRETKEY"); got != v.want {
			t.Errorf("test signer %s %s = %s, want %s", v.method, v.uri, got, v.want)
		}
	}
}

// TestAuthAcceptsTheVectorRequests sends the vector requests with their exact headers to a mock whose
// clock stands at the vectors' timestamp.
func TestAuthAcceptsTheVectorRequests(t *testing.T) {
	c := newTestClient(t, Options{AccessKey: "EXAMPLEACCESSKEY", SecretKey: "EXAMPLESECRETKEY", Start: time.UnixMilli(1700000000000)})
	want := map[string]int{"GET": 200, "POST": 400, "DELETE": 404} // signed; then the model answers
	for _, v := range signatureVectors {
		req := c.request(v.method, v.uri, nil)
		req.Header.Set("x-ncp-apigw-timestamp", "1700000000000")
		req.Header.Set("x-ncp-iam-access-key", "EXAMPLEACCESSKEY")
		req.Header.Set("x-ncp-apigw-signature-v2", v.want)
		if got := c.send(req); got.status != want[v.method] {
			t.Errorf("%s %s: status %d %s, want %d", v.method, v.uri, got.status, got.body, want[v.method])
		}
	}
}

func TestAuthFailures(t *testing.T) {
	c := newTestClient(t, Options{})
	tests := []struct {
		name    string
		tamper  func(req *http.Request)
		details string
	}{
		{"missing timestamp", func(r *http.Request) { r.Header.Del("x-ncp-apigw-timestamp") }, "missing header x-ncp-apigw-timestamp"},
		{"missing access key", func(r *http.Request) { r.Header.Del("x-ncp-iam-access-key") }, "missing header x-ncp-iam-access-key"},
		{"missing signature", func(r *http.Request) { r.Header.Del("x-ncp-apigw-signature-v2") }, "missing header x-ncp-apigw-signature-v2"},
		{"unknown access key", func(r *http.Request) { resign(r, "OTHERACCESSKEY", c.server.SecretKey(), c.server.GatewayNow()) }, "unknown access key"},
		{"wrong secret", func(r *http.Request) { resign(r, c.server.AccessKey(), "wrong-secret", c.server.GatewayNow()) }, "signature mismatch"},
		{"signature altered", func(r *http.Request) {
			r.Header.Set("x-ncp-apigw-signature-v2", "AAAA"+r.Header.Get("x-ncp-apigw-signature-v2")[4:])
		}, "signature mismatch"},
		{"signature v1 header only", func(r *http.Request) {
			r.Header.Set("x-ncp-apigw-signature-v1", r.Header.Get("x-ncp-apigw-signature-v2"))
			r.Header.Del("x-ncp-apigw-signature-v2")
		}, "missing header x-ncp-apigw-signature-v2"},
		{"query not signed", func(r *http.Request) {
			sig := testSign(r.Method, r.URL.Path, r.Header.Get("x-ncp-apigw-timestamp"), c.server.AccessKey(), c.server.SecretKey())
			r.Header.Set("x-ncp-apigw-signature-v2", sig)
		}, "signature mismatch"},
		{"method lower case in signature", func(r *http.Request) {
			sig := testSign("get", r.URL.RequestURI(), r.Header.Get("x-ncp-apigw-timestamp"), c.server.AccessKey(), c.server.SecretKey())
			r.Header.Set("x-ncp-apigw-signature-v2", sig)
		}, "signature mismatch"},
		{"timestamp 5 minutes old", func(r *http.Request) { c.signAt(r, c.server.GatewayNow().Add(-5*time.Minute)) }, "off the server clock"},
		{"timestamp 5 minutes ahead", func(r *http.Request) { c.signAt(r, c.server.GatewayNow().Add(5*time.Minute+time.Second)) }, "off the server clock"},
		{"timestamp a day old", func(r *http.Request) { c.signAt(r, c.server.GatewayNow().Add(-24*time.Hour)) }, "off the server clock"},
		{"timestamp in seconds", func(r *http.Request) { resignTimestamp(c, r, strconv.FormatInt(c.server.GatewayNow().Unix(), 10)) }, "off the server clock"},
		{"timestamp not numeric", func(r *http.Request) { resignTimestamp(c, r, "now") }, "not decimal milliseconds"},
		{"timestamp RFC 3339", func(r *http.Request) { resignTimestamp(c, r, c.server.GatewayNow().Format(time.RFC3339)) }, "not decimal milliseconds"},
		{"timestamp with sign", func(r *http.Request) {
			resignTimestamp(c, r, "+"+strconv.FormatInt(c.server.GatewayNow().UnixMilli(), 10))
		}, "not decimal milliseconds"},
		{"timestamp overflowing", func(r *http.Request) { resignTimestamp(c, r, "99999999999999999999") }, "not decimal milliseconds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.server.ResetJournal()
			req := c.request("GET", "/kms/v1/keys?pageNo=1&pageSize=20", nil)
			c.signAt(req, c.server.GatewayNow())
			tt.tamper(req)
			got := c.send(req)
			var body gatewayError
			if got.status != http.StatusUnauthorized || json.Unmarshal(got.body, &body) != nil {
				t.Fatalf("got %d %s, want 401 with the gateway body", got.status, got.body)
			}
			if body.Error.ErrorCode != "200" || body.Error.Message != "Authentication Failed" || !strings.Contains(body.Error.Details, tt.details) {
				t.Fatalf("body %s, want errorCode 200, Authentication Failed, details containing %q", got.body, tt.details)
			}
			if got.header.Get("x-ncp-request-id") == "" || got.header.Get("Date") == "" {
				t.Fatalf("401 lacks request id or Date: %v", got.header)
			}
			if j := c.server.Journal(); len(j) != 1 || j[0].Status != 401 || j[0].Fault {
				t.Fatalf("journal = %+v, want one 401 call", j)
			}
		})
	}
}

func TestAuthAcceptsTimestampsJustInsideTheWindow(t *testing.T) {
	c := newTestClient(t, Options{})
	for _, skew := range []time.Duration{-4*time.Minute - 50*time.Second, 4*time.Minute + 50*time.Second, 0} {
		req := c.request("GET", "/kms/v1/keys", nil)
		c.signAt(req, c.server.GatewayNow().Add(skew))
		if got := c.send(req); got.status != 200 {
			t.Errorf("skew %v: got %d %s, want 200", skew, got.status, got.body)
		}
	}
}

func TestAuthFollowsTheMockClock(t *testing.T) {
	c := newTestClient(t, Options{Start: time.Date(2031, 3, 4, 5, 6, 7, 0, time.UTC)})
	req := c.request("GET", "/kms/v1/keys", nil)
	c.signAt(req, time.Now()) // real time is years away from the mock clock
	if got := c.send(req); got.status != 401 {
		t.Fatalf("a real-time signature against a 2031 clock got %d, want 401", got.status)
	}
	if got := c.call("GET", "/kms/v1/keys", nil); got.status != 200 {
		t.Fatalf("signed with the mock's gateway clock: %d %s", got.status, got.body)
	}
}

// TestAdvanceClockKeepsTheGatewayClock: skipping days expires keys but does not lock out
// clients that sign with real time.
func TestAdvanceClockKeepsTheGatewayClock(t *testing.T) {
	c := newTestClient(t, Options{})
	c.server.AdvanceClock(73 * time.Hour)
	req := c.request("GET", "/kms/v1/keys", nil)
	c.signAt(req, time.Now())
	if got := c.send(req); got.status != 200 {
		t.Fatalf("real-time signature after AdvanceClock: %d %s", got.status, got.body)
	}
}

// TestAuthSignsTheReceivedQueryAsIs: the mock does not normalise the query; the signature must cover
// the bytes on the request line.
func TestAuthSignsTheReceivedQueryAsIs(t *testing.T) {
	c := newTestClient(t, Options{})
	req := c.request("GET", "/kms/v1/keys?pageSize=5&pageNo=1", nil)
	c.signAt(req, c.server.GatewayNow())
	if got := c.send(req); got.status != 200 {
		t.Fatalf("unsorted query signed as sent: %d %s", got.status, got.body)
	}
	req = c.request("GET", "/kms/v1/keys?pageSize=5&pageNo=1", nil)
	ts := strconv.FormatInt(c.server.GatewayNow().UnixMilli(), 10)
	req.Header.Set("x-ncp-apigw-timestamp", ts)
	req.Header.Set("x-ncp-iam-access-key", c.server.AccessKey())
	req.Header.Set("x-ncp-apigw-signature-v2", testSign("GET", "/kms/v1/keys?pageNo=1&pageSize=5", ts, c.server.AccessKey(), c.server.SecretKey()))
	if got := c.send(req); got.status != 401 {
		t.Fatalf("signature over a reordered query: %d, want 401", got.status)
	}
}

func resign(r *http.Request, accessKey, secretKey string, at time.Time) {
	ts := strconv.FormatInt(at.UnixMilli(), 10)
	r.Header.Set("x-ncp-apigw-timestamp", ts)
	r.Header.Set("x-ncp-iam-access-key", accessKey)
	r.Header.Set("x-ncp-apigw-signature-v2", testSign(r.Method, r.URL.RequestURI(), ts, accessKey, secretKey))
}

func resignTimestamp(c *testClient, r *http.Request, ts string) {
	r.Header.Set("x-ncp-apigw-timestamp", ts)
	r.Header.Set("x-ncp-apigw-signature-v2", testSign(r.Method, r.URL.RequestURI(), ts, c.server.AccessKey(), c.server.SecretKey()))
}

func TestParseTimestamp(t *testing.T) {
	if ms, err := parseTimestamp("1700000000000"); err != nil || ms != 1700000000000 {
		t.Fatalf("parseTimestamp = %d, %v", ms, err)
	}
	for _, bad := range []string{"", "-1", "+1", " 1", "1.5", "0x10", "１２３"} {
		if _, err := parseTimestamp(bad); err == nil {
			t.Errorf("parseTimestamp(%q) accepted", bad)
		}
	}
}

// TestAuthSkewBoundary checks the exact 5-minute edge with a fixed server time.
func TestAuthSkewBoundary(t *testing.T) {
	const ts = int64(1700000000000)
	signed := func() *http.Request {
		r, _ := http.NewRequest("GET", "http://127.0.0.1/kms/v1/keys", nil)
		r.Header.Set("x-ncp-apigw-timestamp", strconv.FormatInt(ts, 10))
		r.Header.Set("x-ncp-iam-access-key", "AK")
		r.Header.Set("x-ncp-apigw-signature-v2", testSign("GET", "/kms/v1/keys", strconv.FormatInt(ts, 10), "AK", "SK"))
		return r
	}
	at := time.UnixMilli(ts)
	for _, tt := range []struct {
		now  time.Time
		pass bool
	}{
		{at, true},
		{at.Add(maxClockSkew - time.Millisecond), true},
		{at.Add(-maxClockSkew + time.Millisecond), true},
		{at.Add(maxClockSkew), false},
		{at.Add(-maxClockSkew), false},
	} {
		err := authenticate(signed(), "AK", "SK", tt.now)
		if (err == nil) != tt.pass {
			t.Errorf("server time %v after the timestamp: err = %v, want pass=%v", tt.now.Sub(at), err, tt.pass)
		}
	}
}
