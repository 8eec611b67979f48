package kmsmock

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestAPIErrorsCarryStatusAndCode(t *testing.T) {
	tests := []struct {
		err    error
		status int
		code   string
		inMsg  string
	}{
		{errInvalidField("keyName", "is required"), 400, "INVALID_REQUEST", "keyName"},
		{errKeyNotFound("abc"), 404, "NOT_FOUND", "abc"},
		{errInvalidStatus(), 422, "UNPROCESSABLE_ENTITY", "Invalid status"},
		{errNameConflict("alpha"), 409, "CONFLICT", "alpha"},
	}
	for _, tt := range tests {
		var apiErr *apiError
		if !errors.As(tt.err, &apiErr) {
			t.Fatalf("%v is not an *apiError", tt.err)
		}
		if apiErr.status != tt.status || apiErr.code != tt.code || !strings.Contains(apiErr.msg, tt.inMsg) {
			t.Errorf("got %d %s %q, want %d %s containing %q", apiErr.status, apiErr.code, apiErr.msg, tt.status, tt.code, tt.inMsg)
		}
		if !strings.Contains(tt.err.Error(), tt.code) {
			t.Errorf("Error() = %q lacks the code", tt.err.Error())
		}
	}
}

func TestFaultCode(t *testing.T) {
	want := map[int]string{
		http.StatusTooManyRequests:     "TOO_MANY_REQUESTS",
		http.StatusInternalServerError: "INTERNAL_SERVER_ERROR",
		http.StatusBadGateway:          "BAD_GATEWAY",
		http.StatusServiceUnavailable:  "SERVICE_UNAVAILABLE",
		http.StatusGatewayTimeout:      "GATEWAY_TIMEOUT",
		http.StatusTeapot:              "HTTP_418",
	}
	for status, code := range want {
		if got := faultCode(status); got != code {
			t.Errorf("faultCode(%d) = %q, want %q", status, got, code)
		}
	}
}
