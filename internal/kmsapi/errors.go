package kmsapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// clockSkewLimit is how far the gateway lets a request timestamp drift before it answers 401.
const clockSkewLimit = 5 * time.Minute

// maxBodyExcerpt bounds how much of a non-JSON error body ends up in a message.
const maxBodyExcerpt = 200

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
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	if e.note != "" {
		b.WriteString("; " + e.note)
	}
	return b.String()
}

// Unwrap returns the transport or context error behind a StatusCode 0 failure.
func (e *APIError) Unwrap() error { return e.cause }

func (e *APIError) describe() string {
	switch {
	case e.StatusCode == 0:
		return e.Message
	case e.StatusCode == http.StatusUnauthorized && e.ClockSkew != 0:
		return fmt.Sprintf("HTTP 401: the request timestamp was rejected: this machine's clock is %s %s the KMS server's clock "+
			"(measured from the response Date header), and NCloud refuses requests whose timestamp is 5 minutes or more off. "+
			"Check this machine's clock (enable NTP time synchronisation) and try again. Server answer: %s",
			e.ClockSkew.Abs(), aheadOrBehind(e.ClockSkew), e.serverAnswer())
	case e.StatusCode == http.StatusUnauthorized:
		return "HTTP 401: the credentials were rejected: check the access key and the secret key (and that the key pair is active). " +
			"Server answer: " + e.serverAnswer()
	case e.StatusCode == http.StatusForbidden:
		return "HTTP 403: these credentials are not allowed to make this call: check the sub account's KMS policy. " +
			"Server answer: " + e.serverAnswer()
	default:
		return fmt.Sprintf("HTTP %d %s", e.StatusCode, e.serverAnswer())
	}
}

func (e *APIError) serverAnswer() string {
	switch {
	case e.Code != "" && e.Message != "":
		return e.Code + ": " + e.Message
	case e.Code != "":
		return e.Code
	default:
		return e.Message
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
	return ok && (e.StatusCode == http.StatusNotFound || (e.StatusCode != 0 && e.Code == "NOT_FOUND"))
}

// IsInvalidStatus reports a 422: the call is not allowed in the key's current status.
func IsInvalidStatus(err error) bool {
	e, ok := asAPIError(err)
	return ok && (e.StatusCode == http.StatusUnprocessableEntity || (e.StatusCode != 0 && e.Code == "UNPROCESSABLE_ENTITY"))
}

// IsConflict reports a 409: the key name is already used.
func IsConflict(err error) bool {
	e, ok := asAPIError(err)
	return ok && (e.StatusCode == http.StatusConflict || (e.StatusCode != 0 && e.Code == "CONFLICT"))
}

// IsThrottled reports a 429.
func IsThrottled(err error) bool {
	e, ok := asAPIError(err)
	return ok && (e.StatusCode == http.StatusTooManyRequests || (e.StatusCode != 0 && e.Code == "TOO_MANY_REQUESTS"))
}

// IsAuthFailure reports a 401 or 403: credentials, clock or permissions.
func IsAuthFailure(err error) bool {
	e, ok := asAPIError(err)
	return ok && (e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden)
}

// IsRetryable reports the failures that another attempt may cure: 429, 5xx and transport errors
// (but not a cancelled context, nor a request that could not even be built).
func IsRetryable(err error) bool {
	e, ok := asAPIError(err)
	if !ok {
		return false
	}
	return e.retryable()
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

// errorBody covers every failure shape of ncloud-kms-api.md §9: {code,msg}, {code,message},
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
// the known JSON shapes becomes the message, trimmed and truncated.
func parseErrorBody(status int, body []byte) (code, message string) {
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
		if details != "" {
			message = strings.TrimSpace(message + " (" + truncate(details, maxBodyExcerpt) + ")")
		}
		if code != "" || message != "" {
			return code, message
		}
	}
	text := strings.TrimSpace(string(body))
	if text == "" {
		return "", http.StatusText(status)
	}
	return "", truncate(strings.Join(strings.Fields(text), " "), maxBodyExcerpt)
}

// newHTTPError builds the error for a non-success answer, removing the secrets from every text
// the server sent back.
func newHTTPError(method, path string, resp *http.Response, body []byte, now time.Time, redact func(string) string) *APIError {
	code, message := parseErrorBody(resp.StatusCode, body)
	e := &APIError{
		Method:     method,
		Path:       path,
		StatusCode: resp.StatusCode,
		Code:       redact(code),
		Message:    redact(message),
		RequestID:  redact(resp.Header.Get(headerRequestID)),
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		e.retryAfter = parseRetryAfter(resp.Header, now)
	case http.StatusUnauthorized:
		e.ClockSkew = measureClockSkew(resp.Header, now)
	}
	return e
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
