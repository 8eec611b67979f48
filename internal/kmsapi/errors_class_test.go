package kmsapi

import "net/http"

// Classifications that only the tests ask for; the provider needs IsNotFound, IsInvalidStatus,
// IsConflict, isForbidden and IsUnauthenticated.

// IsThrottled reports a 429.
func IsThrottled(err error) bool {
	e, ok := asAPIError(err)
	return ok && e.hasClass(http.StatusTooManyRequests, "TOO_MANY_REQUESTS")
}

// IsAuthFailure reports a 401 or 403: credentials, clock or permissions.
func IsAuthFailure(err error) bool {
	e, ok := asAPIError(err)
	return ok && (e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden)
}

// IsRetryable reports the failures that another attempt may cure: 429, 5xx and transport errors.
func IsRetryable(err error) bool {
	e, ok := asAPIError(err)
	return ok && e.retryable()
}
