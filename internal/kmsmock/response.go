package kmsmock

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// apiResponse is an answer decided but not yet sent, so that a Drop fault can withhold it.
type apiResponse struct {
	status     int
	retryAfter int    // seconds; > 0 sets Retry-After
	allow      string // methods for a 405
	body       any
}

// envelope is the success shape of every /kms/v1 answer.
type envelope struct {
	Code string `json:"code"`
	Data any    `json:"data"`
}

// errorBody is the failure shape chosen in §9.
type errorBody struct {
	Code string `json:"code"`
	Msg  string `json:"msg"`
}

func success(data any) apiResponse {
	return apiResponse{status: http.StatusOK, body: envelope{Code: "SUCCESS", Data: data}}
}

func failure(err error) apiResponse {
	var apiErr *apiError
	var authErr *authError
	switch {
	case errors.As(err, &apiErr):
		return apiResponse{status: apiErr.status, body: errorBody{apiErr.code, apiErr.msg}}
	case errors.As(err, &authErr):
		return apiResponse{status: http.StatusUnauthorized, body: authErr.body()}
	}
	return apiResponse{status: http.StatusInternalServerError, body: errorBody{"INTERNAL_SERVER_ERROR", err.Error()}}
}

// faultResponse is the answer of an injected status fault.
func faultResponse(plan faultPlan) apiResponse {
	resp := apiResponse{status: plan.status, body: errorBody{faultCode(plan.status), http.StatusText(plan.status)}}
	if plan.status == http.StatusTooManyRequests {
		resp.retryAfter = plan.retryAfter
	}
	return resp
}

// write sends resp with the headers every answer carries: a request id and the mock clock's Date.
// The explicit Content-Length keeps the connection reusable whatever the body size.
func (s *Server) write(w http.ResponseWriter, resp apiResponse) {
	body, err := json.Marshal(resp.body)
	if err != nil { // only our own plain structs are marshalled; this is a bug if it happens
		resp.status = http.StatusInternalServerError
		body, _ = json.Marshal(errorBody{"INTERNAL_SERVER_ERROR", err.Error()})
	}
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=UTF-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Date", s.GatewayNow().UTC().Format(http.TimeFormat))
	h.Set("x-ncp-request-id", newRequestID())
	if resp.retryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(resp.retryAfter))
	}
	if resp.allow != "" {
		h.Set("Allow", resp.allow)
	}
	w.WriteHeader(resp.status)
	_, _ = w.Write(body) // a client that went away is not our concern
}

// dropConnection closes the connection without a byte of answer.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // HTTP/2 or a recorder: abort the response instead
	}
	_ = conn.Close()
}

// newRequestID returns a random UUID-shaped id like the gateway's.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
