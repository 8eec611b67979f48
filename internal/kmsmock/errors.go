package kmsmock

import (
	"fmt"
	"net/http"
)

// apiError is a refusal of the model: the HTTP status and the {code, msg} body of §9.
// The direct model methods return it too, so a test sees the same words the API would send.
type apiError struct {
	status int
	code   string
	msg    string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("kmsmock: %d %s: %s", e.status, e.code, e.msg)
}

// Error codes of DESIGN.md §9.
const (
	codeInvalidRequest  = "INVALID_REQUEST"
	codeNotFound        = "NOT_FOUND"
	codeConflict        = "CONFLICT"
	codeInvalidStatus   = "UNPROCESSABLE_ENTITY"
	codeTooManyRequests = "TOO_MANY_REQUESTS"
	codeForbidden       = "FORBIDDEN"
	codeNotAllowed      = "METHOD_NOT_ALLOWED"
)

func errInvalidField(field, format string, args ...any) error {
	return &apiError{http.StatusBadRequest, codeInvalidRequest, "Invalid request: " + field + " " + fmt.Sprintf(format, args...)}
}

func errKeyNotFound(tag string) error {
	return &apiError{http.StatusNotFound, codeNotFound, "Key not found: " + tag}
}

func errInvalidStatus() error {
	return &apiError{http.StatusUnprocessableEntity, codeInvalidStatus, "Invalid status"}
}

func errNameConflict(name string) error {
	return &apiError{http.StatusConflict, codeConflict, "Key name already in use: " + name}
}

// faultCode names the body code of an injected status, so a scripted 502 reads like a gateway's.
func faultCode(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return codeTooManyRequests
	case http.StatusInternalServerError:
		return "INTERNAL_SERVER_ERROR"
	case http.StatusBadGateway:
		return "BAD_GATEWAY"
	case http.StatusServiceUnavailable:
		return "SERVICE_UNAVAILABLE"
	case http.StatusGatewayTimeout:
		return "GATEWAY_TIMEOUT"
	case http.StatusBadRequest:
		return codeInvalidRequest
	case http.StatusNotFound:
		return codeNotFound
	case http.StatusConflict:
		return codeConflict
	case http.StatusUnprocessableEntity:
		return codeInvalidStatus
	case http.StatusForbidden:
		return codeForbidden
	}
	return fmt.Sprintf("HTTP_%d", status)
}
