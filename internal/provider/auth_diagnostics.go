package provider

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// summaryAuthenticationFailed is the plan-time error when NCloud refuses the request's
// authentication (a wrong key pair or a clock 5 minutes or more off): no call can succeed then,
// so the plan stops instead of promising a create that would fail at apply time.
const summaryAuthenticationFailed = "NCloud KMS authentication failed"

// isUnauthenticated reports a 401. A 403 is not included: a narrow sub account policy may refuse
// the key listing and still allow the call that the plan is about.
func isUnauthenticated(err error) bool {
	var apiErr *kmsapi.APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusUnauthorized
}

// authenticationFailedDetail explains a 401 met while doing what (e.g. "check that the name "x" is free").
func authenticationFailedDetail(what string, err error) string {
	return fmt.Sprintf("Terraform could not %s: NCloud KMS refused the authentication of the request, so no call "+
		"of this plan or apply can succeed. %s", what, apiErrorTail(err))
}
