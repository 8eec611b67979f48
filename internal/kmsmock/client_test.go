package kmsmock

// A small signing client for the tests, written apart from auth.go so that a signing bug in the mock
// cannot hide behind the same bug in its tests.

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func testSign(method, uri, timestamp, accessKey, secretKey string) string {
	h := hmac.New(sha256.New, []byte(secretKey))
	for _, part := range []string{method, " ", uri, "\n", timestamp, "\n", accessKey} {
		_, _ = io.WriteString(h, part) // a hash.Hash never fails to write
	}
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

type testClient struct {
	t      testing.TB
	server *Server
	http   *http.Client
	host   string // http://127.0.0.1:PORT
}

// newTestClient starts a mock with opts and returns a keep-alive client for it.
func newTestClient(t testing.TB, opts Options) *testClient {
	t.Helper()
	s := NewTestServer(t, opts)
	transport := &http.Transport{MaxIdleConnsPerHost: 8}
	t.Cleanup(transport.CloseIdleConnections)
	return &testClient{t: t, server: s, http: &http.Client{Transport: transport}, host: "http://" + s.Addr()}
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

// request builds a request for uri ("/kms/v1/keys?pageNo=1") with body marshalled as JSON, or sent
// as is when it is a string.
func (c *testClient) request(method, uri string, body any) *http.Request {
	c.t.Helper()
	var reader io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		reader = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		reader = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.host+uri, reader)
	if err != nil {
		c.t.Fatal(err)
	}
	if reader != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// signAt signs req as a client whose clock reads at.
func (c *testClient) signAt(req *http.Request, at time.Time) {
	ts := strconv.FormatInt(at.UnixMilli(), 10)
	req.Header.Set("x-ncp-apigw-timestamp", ts)
	req.Header.Set("x-ncp-iam-access-key", c.server.AccessKey())
	req.Header.Set("x-ncp-apigw-signature-v2", testSign(req.Method, req.URL.RequestURI(), ts, c.server.AccessKey(), c.server.SecretKey()))
}

func (c *testClient) send(req *http.Request) reply {
	c.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: data}
}

// call sends a request signed with the mock clock's time.
func (c *testClient) call(method, uri string, body any) reply {
	c.t.Helper()
	req := c.request(method, uri, body)
	c.signAt(req, c.server.GatewayNow())
	return c.send(req)
}

// data checks a 200 SUCCESS envelope and decodes its data into out (nil to skip).
func (r reply) data(t testing.TB, out any) {
	t.Helper()
	var env struct {
		Code string          `json:"code"`
		Data json.RawMessage `json:"data"`
	}
	if r.status != http.StatusOK || json.Unmarshal(r.body, &env) != nil || env.Code != "SUCCESS" {
		t.Fatalf("want 200 SUCCESS, got %d %s", r.status, r.body)
	}
	if out != nil {
		if err := json.Unmarshal(env.Data, out); err != nil {
			t.Fatalf("decoding data %s: %v", env.Data, err)
		}
	}
}

// failed checks an error answer with the §9 body.
func (r reply) failed(t testing.TB, status int, code, msgPart string) {
	t.Helper()
	var body struct{ Code, Msg string }
	if r.status != status || json.Unmarshal(r.body, &body) != nil || body.Code != code || !strings.Contains(body.Msg, msgPart) {
		t.Fatalf("want %d %s with msg containing %q, got %d %s", status, code, msgPart, r.status, r.body)
	}
}

// fieldNames lists the JSON member names of the data object, to check exact answer shapes.
func (r reply) fieldNames(t testing.TB) []string {
	t.Helper()
	var data map[string]json.RawMessage
	r.data(t, &data)
	names := make([]string, 0, len(data))
	for name := range data {
		names = append(names, name)
	}
	return names
}

var validCreateBody = map[string]any{
	"keyName": "alpha", "keyType": "AES256", "isAutoRotation": false, "protectionType": "BASIC",
}

// createBody returns validCreateBody with changes applied (a nil value removes the field).
func createBody(changes map[string]any) map[string]any {
	body := map[string]any{}
	for k, v := range validCreateBody {
		body[k] = v
	}
	for k, v := range changes {
		if v == nil {
			delete(body, k)
		} else {
			body[k] = v
		}
	}
	return body
}

// mustCreate creates a key directly in the model.
func mustCreate(t testing.TB, s *Server, spec KeySpec) Key {
	t.Helper()
	if spec.Type == "" {
		spec.Type = "AES256"
	}
	if spec.ProtectionType == "" {
		spec.ProtectionType = "BASIC"
	}
	k, err := s.CreateKey(spec)
	if err != nil {
		t.Fatalf("CreateKey(%+v): %v", spec, err)
	}
	return k
}

// fetch GETs uri, signed, and decodes the data of its 200 SUCCESS answer.
func fetch[T any](t *testing.T, c *testClient, uri string) T {
	t.Helper()
	var out T
	c.call("GET", uri, nil).data(t, &out)
	return out
}
