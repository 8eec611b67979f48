package kmsapi

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults applied by NewClient to zero Config fields. 16 attempts keep a call alive through a
// long stretch of throttling (a third of the attempts failing leaves about one call in 10^8
// giving up), and the 10 s cap on one wait bounds it at about two minutes.
const (
	DefaultMaxAttempts    = 16
	DefaultRequestTimeout = 60 * time.Second
	defaultMinBackoff     = 250 * time.Millisecond
	defaultMaxBackoff     = 10 * time.Second

	// maxResponseBytes bounds what is read of one answer; a list page of 200 keys is ~100 KB.
	maxResponseBytes = 16 << 20
	// maxDrainBytes is how much of an unread body is discarded so that the connection is reused.
	maxDrainBytes = 256 << 10
)

// Config configures a Client. Zero fields take the documented defaults.
type Config struct {
	Endpoint       string                                           // base URL ending in /kms/v1 (a trailing slash is tolerated)
	AccessKey      string                                           // API key id of the account or sub account
	SecretKey      string                                           // its secret; only ever used as the HMAC key
	HTTPClient     *http.Client                                     // optional; default: keep-alive transport, MaxIdleConnsPerHost 64
	MaxAttempts    int                                              // total attempts per call incl. the first; default 16
	MinBackoff     time.Duration                                    // default 250ms
	MaxBackoff     time.Duration                                    // default 10s (cap of one wait; Retry-After may exceed it up to 60s)
	RequestTimeout time.Duration                                    // per attempt; default 60s
	UserAgent      string                                           // optional
	Now            func() time.Time                                 // optional clock for the timestamp header (tests)
	Sleep          func(ctx context.Context, d time.Duration) error // optional (tests); default waits on a timer or ctx.Done
}

// Client calls the NCloud KMS /kms/v1 API with signed requests and retries. It is safe for
// concurrent use.
type Client struct {
	cfg        Config
	endpoint   string // scheme://host/path without a trailing slash
	httpClient *http.Client
}

// NewClient validates cfg and fills in its defaults.
func NewClient(cfg Config) (*Client, error) {
	endpoint, err := normalizeEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	if cfg.AccessKey == "" {
		return nil, errors.New("NCloud KMS client: the access key is empty")
	}
	if cfg.SecretKey == "" {
		return nil, errors.New("NCloud KMS client: the secret key is empty")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = newDefaultHTTPClient()
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = defaultMinBackoff
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = defaultMaxBackoff
	}
	cfg.MaxBackoff = max(cfg.MaxBackoff, cfg.MinBackoff)
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleepContext
	}
	return &Client{
		cfg:        cfg,
		endpoint:   endpoint,
		httpClient: cfg.HTTPClient,
	}, nil
}

// normalizeEndpoint checks that raw is an absolute http(s) URL without credentials, query or
// fragment (none of which could be signed correctly) and drops a trailing slash.
func normalizeEndpoint(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("NCloud KMS client: endpoint %q is not a valid URL: %w", raw, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("NCloud KMS client: endpoint %q must start with https:// (or http:// for a local mock)", raw)
	case u.Host == "":
		return "", fmt.Errorf("NCloud KMS client: endpoint %q has no host", raw)
	case u.User != nil:
		return "", fmt.Errorf("NCloud KMS client: endpoint must not contain user information")
	case u.RawQuery != "" || u.Fragment != "":
		return "", fmt.Errorf("NCloud KMS client: endpoint %q must not contain a query or fragment", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// newDefaultHTTPClient has its own keep-alive transport sized for many parallel resources, which
// opens one connection before it opens more (HTTP/2 then needs no other), and does not follow
// redirects: a redirected request would carry a signature for another URI.
func newDefaultHTTPClient() *http.Client {
	base, ok := http.DefaultTransport.(*http.Transport)
	if !ok { // replaced by the embedding program: start from Go's defaults instead
		base = &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true, TLSHandshakeTimeout: 10 * time.Second}
	}
	transport := base.Clone()
	transport.DisableKeepAlives = false
	transport.MaxIdleConns = 100
	transport.MaxIdleConnsPerHost = 64
	transport.IdleConnTimeout = 90 * time.Second
	return NewHTTPClient(newFirstConnGate(transport))
}

// NewHTTPClient is an HTTP client for Config.HTTPClient around transport. It does not follow
// redirects: a redirected request would carry a signature made for another URI.
func NewHTTPClient(transport http.RoundTripper) *http.Client {
	return &http.Client{
		Transport: transport,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// request is one API call below the endpoint. The body is kept as bytes so that every attempt
// can send it again.
type request struct {
	method string
	path   string // escaped, below the endpoint, e.g. "/keys/abc/enable"
	query  string // raw query, in the order it is sent
	body   []byte // JSON; nil means no body
	token  string // sent as x-ncp-ocapi-token instead of the signature headers; "" = signed
	// aclFiltered marks a token request, which the key's IP ACL may refuse (403).
	aclFiltered bool
	// secrets are values of this request (plaintexts in every form sent) that are masked in its
	// logs and removed from its errors like the credentials.
	secrets []string
	// secretAnswer marks an answer that may carry a plaintext or a data key: an answer that cannot
	// be read is then never quoted, not even in part.
	secretAnswer bool
}

func newRequest(method, path string, body any) (*request, error) {
	r := &request{method: method, path: path}
	if body != nil {
		encoded, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("NCloud KMS client: cannot encode the %s %s body: %w", method, path, err)
		}
		r.body = encoded
	}
	return r, nil
}

// retryHook runs after a retryable failure, before the client waits for the next attempt (and
// also after the last attempt). stop=true ends the call with err (nil meaning success).
type retryHook func(ctx context.Context, failure *APIError) (stop bool, err error)

// call runs r with retries and decodes the answer's data into out (which may be nil).
func (c *Client) call(ctx context.Context, r *request, out any) error {
	return c.callWithHook(ctx, r, out, nil)
}

// callWithHook is call with a hook that may end the call early after a retryable failure.
func (c *Client) callWithHook(ctx context.Context, r *request, out any, hook retryHook) error {
	ctx = maskSecrets(ctx, append([]string{c.cfg.AccessKey, c.cfg.SecretKey, r.token}, r.secrets...)...)
	var last *APIError
	ambiguousSoFar := false
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return c.stoppedError(r, err, attempt-1, last)
		}
		body, failure := c.attempt(ctx, r, attempt)
		if failure == nil {
			return c.decodeData(r, body, out, attempt)
		}
		failure.Attempts = attempt
		failure.earlierAmbiguous = ambiguousSoFar
		if err := ctx.Err(); err != nil {
			if failure.StatusCode == 0 {
				return failure // already says it stopped, and wraps the context error
			}
			return c.stoppedError(r, err, attempt, failure)
		}
		if !failure.retryable() {
			return failure
		}
		ambiguousSoFar = ambiguousSoFar || failure.mayHaveBeenApplied()
		if hook != nil {
			if stop, err := hook(ctx, failure); stop {
				return err
			}
			if err := ctx.Err(); err != nil {
				return c.stoppedError(r, err, attempt, failure)
			}
		}
		if attempt >= c.cfg.MaxAttempts {
			failure.exhausted = attempt > 1
			return failure
		}
		wait := c.retryDelay(failure, attempt)
		if deadlineTooClose(ctx, wait) {
			failure.exhausted = attempt > 1
			failure.note = fmt.Sprintf("not retried: the operation's deadline comes before the next attempt (in %s)", wait)
			return failure
		}
		if err := c.cfg.Sleep(ctx, wait); err != nil {
			return c.stoppedError(r, err, attempt, failure)
		}
		last = failure
	}
}

// stoppedError reports a call that ended because its context did, wrapping the context error.
func (c *Client) stoppedError(r *request, ctxErr error, attempts int, last *APIError) *APIError {
	message := fmt.Sprintf("stopped after %d attempt(s): %v", attempts, ctxErr)
	if last != nil {
		message += "; last error: " + last.describe()
	}
	return &APIError{
		Method:    r.method,
		Path:      c.requestPath(r),
		Message:   message,
		RequestID: requestIDOf(last),
		Attempts:  attempts,
		cause:     ctxErr,
		stopped:   true,
	}
}

func requestIDOf(e *APIError) string {
	if e == nil {
		return ""
	}
	return e.RequestID
}

// requestPath is the request URI below the host, as reported in errors and logs.
func (c *Client) requestPath(r *request) string {
	u, err := url.Parse(c.endpoint + r.path)
	if err != nil {
		return r.path
	}
	u.RawQuery = r.query
	return u.RequestURI()
}

// attempt makes one signed HTTP exchange and returns the body of a 2xx answer, or the failure.
// The response body is always read to the end (within limits) and closed so that the
// keep-alive connection goes back to the pool.
func (c *Client) attempt(ctx context.Context, r *request, attempt int) ([]byte, *APIError) {
	attemptCtx, cancel := context.WithTimeout(ctx, c.cfg.RequestTimeout)
	defer cancel()

	target := c.endpoint + r.path
	if r.query != "" {
		target += "?" + r.query
	}
	var bodyReader io.Reader
	if r.body != nil {
		bodyReader = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(attemptCtx, r.method, target, bodyReader)
	if err != nil {
		return nil, &APIError{Method: r.method, Path: c.requestPath(r), Message: "cannot build the request: " + c.redactorFor(r)(err.Error()), cause: err, notSent: true}
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	if c.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", c.cfg.UserAgent)
	}
	// The signature or the token: removed from error text and masked in logs like the credentials.
	var secret string
	if r.token != "" {
		req.Header.Set(headerToken, r.token)
		secret = r.token
	} else {
		secret = signRequest(req, c.cfg.Now(), c.cfg.AccessKey, c.cfg.SecretKey)
	}
	redact := c.redactorFor(r, secret)
	logCtx := maskSecrets(ctx, secret)
	path := req.URL.RequestURI()

	start := time.Now()
	resp, err := c.httpClient.Do(req)
	if err != nil {
		failure := c.transportError(ctx, attemptCtx, r.method, path, err, redact)
		logAttempt(logCtx, r.method, path, 0, attempt, time.Since(start), "", failure)
		return nil, failure
	}
	body, readErr := readAndClose(resp.Body)
	duration := time.Since(start)
	requestID := redact(resp.Header.Get(headerRequestID))
	if readErr != nil {
		failure := c.transportError(ctx, attemptCtx, r.method, path, readErr, redact)
		failure.Message = fmt.Sprintf("the HTTP %d answer broke off: %s", resp.StatusCode, failure.Message)
		failure.RequestID = requestID
		logAttempt(logCtx, r.method, path, resp.StatusCode, attempt, duration, requestID, failure)
		return nil, failure
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		logAttempt(logCtx, r.method, path, resp.StatusCode, attempt, duration, requestID, nil)
		return body, nil
	}
	failure := newHTTPError(r.method, path, resp, body, c.cfg.Now(), redact)
	failure.tokenAuth, failure.aclFiltered = r.token != "", r.aclFiltered
	logAttempt(logCtx, r.method, path, resp.StatusCode, attempt, duration, requestID, failure)
	return nil, failure
}

// redactorFor removes the credentials, the request's secrets and the given values (its signature
// or token) from a text.
func (c *Client) redactorFor(r *request, values ...string) func(string) string {
	return redactor(append(append([]string{c.cfg.SecretKey, c.cfg.AccessKey, r.token}, r.secrets...), values...)...)
}

// transportError wraps a failure without an HTTP answer, keeping err as the cause.
func (c *Client) transportError(ctx, attemptCtx context.Context, method, path string, err error, redact func(string) string) *APIError {
	reason := err.Error()
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		reason = urlErr.Err.Error() // the URL is already in the error's prefix
	}
	refused := isCertificateError(err)
	switch {
	case ctx.Err() != nil:
		reason = "stopped during the request: " + ctx.Err().Error()
	case attemptCtx.Err() != nil:
		reason = fmt.Sprintf("no answer within the request timeout of %s", c.cfg.RequestTimeout)
	case refused:
		reason = "the API's TLS certificate was refused, so the request was not sent (check the endpoint; for a " +
			"certificate of a private authority, point SSL_CERT_FILE at its root): " + reason
	default:
		reason = "the request failed without an answer: " + reason
	}
	cause := err
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		cause = fmt.Errorf("%w: %w", ctxErr, err) // errors.Is(err, context.Canceled) must hold
	}
	return &APIError{Method: method, Path: path, Message: redact(reason), cause: cause, stopped: ctx.Err() != nil,
		notSent: refused}
}

// isCertificateError reports a TLS handshake that refused the server's certificate (crypto/tls wraps
// every verification failure, x509's unknown authority, host name and validity errors, in
// CertificateVerificationError): the request never left, and another attempt meets the same
// certificate, so it is not retried.
func isCertificateError(err error) bool {
	var verification *tls.CertificateVerificationError
	return errors.As(err, &verification)
}

// readAndClose reads a body up to maxResponseBytes, then discards a bounded remainder and closes
// it, so the connection can be reused.
func readAndClose(body io.ReadCloser) ([]byte, error) {
	defer func() {
		_, _ = io.Copy(io.Discard, io.LimitReader(body, maxDrainBytes))
		_ = body.Close()
	}()
	data, err := io.ReadAll(io.LimitReader(body, maxResponseBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxResponseBytes {
		return nil, fmt.Errorf("answer larger than %d bytes", maxResponseBytes)
	}
	return data, nil
}

// envelope is the success wrapper {"code": "SUCCESS", "data": ...}.
type envelope struct {
	Code flexString      `json:"code"`
	Msg  flexString      `json:"msg"`
	Data json.RawMessage `json:"data"`
}

// decodeData unwraps a 2xx answer into out. A 2xx whose code is present and not SUCCESS is
// treated as a failure rather than silently read as success.
func (c *Client) decodeData(r *request, body []byte, out any, attempts int) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return c.unreadableAnswer(r, attempts, "the answer is not the expected JSON: ", err)
	}
	if code := string(env.Code); code != "" && !strings.EqualFold(code, "SUCCESS") {
		redact := c.redactorFor(r)
		return &APIError{Method: r.method, Path: c.requestPath(r), StatusCode: http.StatusOK, Attempts: attempts,
			Code: redact(code), Message: redact(string(env.Msg))}
	}
	if out == nil || len(env.Data) == 0 || string(env.Data) == "null" {
		return nil
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return c.unreadableAnswer(r, attempts, "cannot read the answer's data: ", err)
	}
	return nil
}

// unreadableAnswer reports a 2xx answer that cannot be read, quoting the decoding error (redacted
// and cut) unless the answer may carry a plaintext or a data key: a JSON error can quote the
// character it stopped at, so then it is neither quoted nor kept as the cause.
func (c *Client) unreadableAnswer(r *request, attempts int, what string, err error) *APIError {
	e := &APIError{Method: r.method, Path: c.requestPath(r), StatusCode: http.StatusOK, Attempts: attempts,
		Message: what + "details withheld, as the answer may carry a plaintext or a data key"}
	if !r.secretAnswer {
		e.Message, e.cause = what+c.redactorFor(r)(truncate(err.Error(), maxBodyExcerpt)), err
	}
	return e
}
