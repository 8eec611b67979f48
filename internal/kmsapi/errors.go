package kmsapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// clockSkewLimit is how far the gateway lets a request timestamp drift before it answers 401.
const clockSkewLimit = 5 * time.Minute

// Bounds on what an error answer can put into a message (a server, a proxy or an attacker on the
// path may send megabytes): a non-JSON body or a "details" text, the API code, the message, the
// request id.
const (
	maxBodyExcerpt     = 200
	maxCodeLength      = 100
	maxMessageLength   = 500
	maxRequestIDLength = 100
)

// APIError is the one error type of this package: an HTTP answer other than success, or a
// transport failure (StatusCode 0). Every text in it has had the credentials and the request
// signature removed.
type APIError struct {
	Method, Path string // path without host (may include the query)
	StatusCode   int    // 0 when the transport failed
	Code         string // API code, e.g. NOT_FOUND, UNPROCESSABLE_ENTITY, CONFLICT, TOO_MANY_REQUESTS, or gateway "200"
	Message      string
	RequestID    string // from x-ncp-request-id
	Attempts     int
	ClockSkew    time.Duration // set on 401 when the server's Date header differs from local time by >= 5 min

	cause            error         // transport or context error, for errors.Is/As
	retryAfter       time.Duration // from a 429's Retry-After header
	notSent          bool          // failed before anything reached the wire: retrying cannot help
	stopped          bool          // the caller's context ended: no further attempt
	exhausted        bool          // every allowed attempt was used
	earlierAmbiguous bool          // an earlier attempt of this call may have been applied by the server
	tokenAuth        bool          // the request carried a token, not a signature
	aclFiltered      bool          // a token request, which the key's IP ACL filters
	note             string        // advice appended to Error()
}

// Error describes the failure in one line that a Terraform user can act on.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "NCloud KMS %s %s: ", e.Method, e.Path)
	if e.exhausted {
		fmt.Fprintf(&b, "gave up after %d attempts; last error: ", e.Attempts)
	}
	b.WriteString(e.describe())
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", bounded(e.RequestID, maxRequestIDLength))
	}
	if e.note != "" {
		b.WriteString("; " + e.note)
	}
	return b.String()
}

// addNote appends advice to the error's text.
func (e *APIError) addNote(note string) {
	e.note = strings.TrimPrefix(e.note+"; "+note, "; ")
}

// Unwrap returns the transport or context error behind a StatusCode 0 failure.
func (e *APIError) Unwrap() error { return e.cause }

func (e *APIError) describe() string {
	switch {
	case e.StatusCode == 0:
		return bounded(e.Message, maxMessageLength+maxBodyExcerpt)
	case e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden:
		return fmt.Sprintf("HTTP %d: %s Server answer: %s", e.StatusCode, e.authReason(), e.serverAnswer())
	default:
		return fmt.Sprintf("HTTP %d %s", e.StatusCode, e.serverAnswer())
	}
}

// Advice tells the user what to do about an authentication or permission failure (401, 403), in
// a sentence or two; "" for any other error. Diagnostics that quote only the API's code and
// message add it, so that a stale clock or a wrong key is named as such.
func (e *APIError) Advice() string {
	reason := e.authReason()
	if reason == "" {
		return ""
	}
	return strings.ToUpper(reason[:1]) + reason[1:]
}

// authReason explains a 401 or 403 in lower case; "" for other statuses.
func (e *APIError) authReason() string {
	switch {
	case e.StatusCode == http.StatusUnauthorized && e.tokenAuth:
		return "the token was rejected: it is unknown, expired, of the wrong kind for this call, issued for another key, " +
			"or revoked because the key's token generator was replaced or deleted."
	case e.StatusCode == http.StatusForbidden && e.aclFiltered:
		return "the key's IP ACL refused this machine's address: token sets and access tokens are issued only to " +
			"addresses on the key's allow list while its ACL is on. Add the address this machine reaches NCloud from, or turn the ACL off."
	case e.StatusCode == http.StatusUnauthorized && e.ClockSkew != 0:
		return fmt.Sprintf("the request timestamp was rejected: this machine's clock is %s %s the KMS server's clock "+
			"(measured from the response Date header), and NCloud refuses requests whose timestamp is 5 minutes or more off. "+
			"Check this machine's clock (enable NTP time synchronisation) and try again.",
			e.ClockSkew.Abs(), aheadOrBehind(e.ClockSkew))
	case e.StatusCode == http.StatusUnauthorized:
		return "the credentials were rejected: check the access key and the secret key (and that the key pair is active)."
	case e.StatusCode == http.StatusForbidden:
		return "these credentials are not allowed to make this call: check the sub account's KMS policy."
	default:
		return ""
	}
}

func (e *APIError) serverAnswer() string {
	code, message := bounded(e.Code, maxCodeLength), bounded(e.Message, maxMessageLength+maxBodyExcerpt)
	switch {
	case code != "" && message != "":
		return code + ": " + message
	case code != "":
		return code
	default:
		return message
	}
}

// aheadOrBehind words a skew measured as server time minus local time.
func aheadOrBehind(skew time.Duration) string {
	if skew > 0 {
		return "behind"
	}
	return "ahead of"
}

func asAPIError(err error) (*APIError, bool) {
	var apiErr *APIError
	ok := errors.As(err, &apiErr)
	return apiErr, ok
}

// IsNotFound reports a 404: the key tag is unknown or the key is finally deleted.
func IsNotFound(err error) bool {
	e, ok := asAPIError(err)
	return ok && e.hasClass(http.StatusNotFound, "NOT_FOUND")
}

// IsInvalidStatus reports a 422: the call is not allowed in the key's current status.
func IsInvalidStatus(err error) bool {
	e, ok := asAPIError(err)
	return ok && e.hasClass(http.StatusUnprocessableEntity, "UNPROCESSABLE_ENTITY")
}

// IsConflict reports a 409: the key name is already used.
func IsConflict(err error) bool {
	e, ok := asAPIError(err)
	return ok && e.hasClass(http.StatusConflict, "CONFLICT")
}

// isForbidden reports a 403: a sub account policy, or the key's IP ACL for a token request.
func isForbidden(err error) bool {
	e, ok := asAPIError(err)
	return ok && e.hasClass(http.StatusForbidden, "FORBIDDEN")
}

// hasClass reports the HTTP status of a class or, for a failure that a 2xx answer reports in its
// code, the API code of that class. The status of an error answer decides alone (DESIGN.md
// §9): a 500 whose body says NOT_FOUND is a server fault to retry, not a deleted key.
func (e *APIError) hasClass(status int, code string) bool {
	if e.StatusCode >= 200 && e.StatusCode <= 299 {
		return e.Code == code
	}
	return e.StatusCode == status
}

// IsUnauthenticated reports a 401: the gateway refused the credentials or the request's
// timestamp (the error text says which), so no call with this client can succeed.
func IsUnauthenticated(err error) bool {
	e, ok := asAPIError(err)
	return ok && e.StatusCode == http.StatusUnauthorized
}

func (e *APIError) retryable() bool {
	switch {
	case e.StatusCode == 0:
		return !e.notSent && !e.stopped
	case e.StatusCode == http.StatusTooManyRequests:
		return true
	default:
		return e.StatusCode >= 500 && e.StatusCode <= 599
	}
}

// mayHaveBeenApplied tells whether the server may have carried out the request although the
// client saw a failure: the connection broke after sending, or a 5xx came back.
func (e *APIError) mayHaveBeenApplied() bool {
	return (e.StatusCode == 0 && !e.notSent && !e.stopped) || e.StatusCode >= 500
}

// errorBody covers every failure shape of DESIGN.md §9: {code,msg}, {code,message},
// {errorCode,errorMessage} and the gateway's {"error":{errorCode,message,details}}.
type errorBody struct {
	Code         flexString      `json:"code"`
	Msg          flexString      `json:"msg"`
	Message      flexString      `json:"message"`
	ErrorCode    flexString      `json:"errorCode"`
	ErrorMessage flexString      `json:"errorMessage"`
	Details      flexString      `json:"details"`
	Error        json.RawMessage `json:"error"`
}

// nestedError is the gateway's "error" object (and the v3 API's, which uses "code").
type nestedError struct {
	ErrorCode    flexString `json:"errorCode"`
	Code         flexString `json:"code"`
	Message      flexString `json:"message"`
	ErrorMessage flexString `json:"errorMessage"`
	Details      flexString `json:"details"`
}

// parseErrorBody extracts an API code and message from a failure body. A body that is not one of
// the known JSON shapes becomes the message. Every text goes through clean (which removes the
// secrets) before it is cut to length, so that a cut can never leave part of a secret behind.
func parseErrorBody(status int, body []byte, clean func(string) string) (code, message string) {
	var parsed errorBody
	if json.Unmarshal(body, &parsed) == nil {
		code = firstNonEmpty(parsed.Code, parsed.ErrorCode)
		message = firstNonEmpty(parsed.Msg, parsed.Message, parsed.ErrorMessage)
		details := string(parsed.Details)
		if len(parsed.Error) > 0 && string(parsed.Error) != "null" {
			var nested nestedError
			if json.Unmarshal(parsed.Error, &nested) == nil {
				code = firstNonEmpty(nested.ErrorCode, nested.Code, flexString(code))
				message = firstNonEmpty(nested.Message, nested.ErrorMessage, flexString(message))
				details = firstNonEmpty(nested.Details, flexString(details))
			} else {
				var text flexString
				_ = text.UnmarshalJSON(parsed.Error)
				message = firstNonEmpty(flexString(message), text)
			}
		}
		code, message = truncate(clean(code), maxCodeLength), truncate(clean(message), maxMessageLength)
		if details = truncate(clean(details), maxBodyExcerpt); details != "" {
			message = strings.TrimSpace(message + " (" + details + ")")
		}
		if code != "" || message != "" {
			return code, message
		}
	}
	if text := truncate(clean(string(body)), maxBodyExcerpt); text != "" {
		return "", text
	}
	return "", http.StatusText(status)
}

// newHTTPError builds the error for a non-success answer, removing the secrets from every text
// the server sent back.
func newHTTPError(method, path string, resp *http.Response, body []byte, now time.Time, redact func(string) string) *APIError {
	clean := func(s string) string { return redact(singleLine(s)) }
	code, message := parseErrorBody(resp.StatusCode, body, clean)
	e := &APIError{
		Method:     method,
		Path:       path,
		StatusCode: resp.StatusCode,
		Code:       code,
		Message:    message,
		RequestID:  truncate(clean(resp.Header.Get(headerRequestID)), maxRequestIDLength),
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		e.retryAfter = parseRetryAfter(resp.Header, now)
	case http.StatusUnauthorized:
		e.ClockSkew = measureClockSkew(resp.Header, now)
	}
	return e
}

// singleLine makes server text safe to print on one line: invalid UTF-8 becomes U+FFFD, and runs
// of white space, control and format characters (newlines, terminal escapes, bidi overrides)
// become one space. Nothing is dropped outright, so that no two pieces of text join up.
func singleLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
	}), " ")
}

// bounded is s on one line and at most limit bytes, for texts that were not built by newHTTPError.
func bounded(s string, limit int) string {
	return truncate(singleLine(s), limit)
}

// measureClockSkew returns server time minus local time when it reaches the gateway's limit,
// else 0. A 401 with a large skew means the timestamp, not the credentials, was refused.
func measureClockSkew(header http.Header, now time.Time) time.Duration {
	serverTime, err := http.ParseTime(header.Get("Date"))
	if err != nil {
		return 0
	}
	skew := serverTime.Sub(now).Round(time.Second)
	if skew.Abs() < clockSkewLimit {
		return 0
	}
	return skew
}

// flexString accepts a JSON string, number or any other value (kept as compact JSON), so that a
// numeric gateway code or an object "details" still decode.
type flexString string

func (f *flexString) UnmarshalJSON(raw []byte) error {
	raw = bytes.TrimSpace(raw)
	if string(raw) == "null" {
		return nil
	}
	var text string
	if json.Unmarshal(raw, &text) == nil {
		*f = flexString(text)
		return nil
	}
	var compact bytes.Buffer
	if json.Compact(&compact, raw) == nil {
		*f = flexString(compact.String())
		return nil
	}
	*f = flexString(raw)
	return nil
}

func firstNonEmpty(values ...flexString) string {
	for _, v := range values {
		if s := strings.TrimSpace(string(v)); s != "" {
			return s
		}
	}
	return ""
}

// truncate cuts s to at most limit bytes on a rune boundary, marking the cut.
func truncate(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// redactor returns a function that replaces every given secret with "***".
func redactor(secrets ...string) func(string) string {
	var pairs []string
	for _, secret := range secrets {
		if secret != "" {
			pairs = append(pairs, secret, "***")
		}
	}
	replacer := strings.NewReplacer(pairs...)
	return replacer.Replace
}
