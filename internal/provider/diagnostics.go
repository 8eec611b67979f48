package provider

import (
	"errors"
	"fmt"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// What every diagnostic of the provider shares: how it names a key, and how it ends with the API's answer.

// keyRef names a key in diagnostics the way a person finds it in the console: name and tag.
type keyRef struct {
	Name, Tag string
}

func (k keyRef) String() string {
	if k.Name == "" { // only the tag is known (see describeKey)
		return "with key tag " + k.Tag
	}
	return fmt.Sprintf("%q (key tag %s)", k.Name, k.Tag)
}

func keyRefOf(key kmsapi.Key) keyRef { return keyRef{Name: key.KeyName, Tag: key.KeyTag} }

// unknownDate stands in for a date the API or the state does not give.
const unknownDate = "an unknown date"

// apiErrorTail ends a detail with what the API said: code, message and request id.
func apiErrorTail(err error) string {
	var apiErr *kmsapi.APIError
	if !errors.As(err, &apiErr) {
		return "Error: " + err.Error()
	}
	if apiErr.StatusCode == 0 {
		return fmt.Sprintf("No answer from the API for %s %s after %d attempt(s): %s.",
			apiErr.Method, apiErr.Path, apiErr.Attempts, apiErr.Message)
	}
	requestID := apiErr.RequestID
	if requestID == "" {
		requestID = "(none)"
	}
	advice := apiErr.Advice() // what to do about a 401 or 403, which code and message alone do not say
	if advice != "" {
		advice += " "
	}
	return fmt.Sprintf("%sAPI answer to %s %s (HTTP %d, %d attempt(s)): code %s, message %q, request id %s",
		advice, apiErr.Method, apiErr.Path, apiErr.StatusCode, apiErr.Attempts, apiErr.Code, apiErr.Message, requestID)
}

// summaryAuthenticationFailed is the plan-time error when NCloud refuses the request's
// authentication (a wrong key pair or a clock 5 minutes or more off): no call can succeed then,
// so the plan stops instead of promising a create that would fail at apply time.
const summaryAuthenticationFailed = "NCloud KMS authentication failed"

// authenticationFailedDetail explains a 401 met while doing what (e.g. "check that the name "x" is free").
func authenticationFailedDetail(what string, err error) string {
	return fmt.Sprintf("Terraform could not %s: NCloud KMS refused the authentication of the request, so no call "+
		"of this plan or apply can succeed. %s", what, apiErrorTail(err))
}
