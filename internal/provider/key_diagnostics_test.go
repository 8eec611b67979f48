package provider

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// The summaries are a published interface: pipelines grep them in `terraform plan -json`.
func TestKeyDiagnostics_summariesAreStable(t *testing.T) {
	for got, want := range map[string]string{
		summaryKeyWillBeDeleted:         "Key will be deleted permanently",
		summaryKeyWillBeScheduled:       "Key will be scheduled for deletion",
		summaryKeyWillBeAbandoned:       "Key will be abandoned",
		summaryKeyDeletionProtected:     "Key deletion blocked by deletion_protection",
		summaryPendingKeyWillBeRestored: "Key pending deletion will be restored",
		summaryKeyNameInUse:             "Key name already in use",
		summaryKeyNameHeldByPending:     "Key name held by a key pending deletion",
		summaryPendingKeyWillBeAdopted:  "Key pending deletion will be adopted",
		summaryKeyDeletedOutside:        "Key deleted outside Terraform",
	} {
		if got != want {
			t.Errorf("summary %q, want %q", got, want)
		}
	}
	if got, want := summaryFinalDeleteFailed("2030-01-02T03:04:05Z"),
		"Key deletion was requested but the final delete failed: the key will be gone automatically at 2030-01-02T03:04:05Z unless cancelled"; got != want {
		t.Errorf("final delete summary %q, want %q", got, want)
	}
}

var testDiagKey = keyRef{Name: "app-key", Tag: "0123abcd"}

func requireMentions(t *testing.T, what, text string, fragments ...string) {
	t.Helper()
	for _, f := range fragments {
		if !strings.Contains(text, f) {
			t.Errorf("%s does not mention %q:\n%s", what, f, text)
		}
	}
}

func requireOmits(t *testing.T, what, text string, fragments ...string) {
	t.Helper()
	for _, f := range fragments {
		if strings.Contains(text, f) {
			t.Errorf("%s mentions %q:\n%s", what, f, text)
		}
	}
}

// Every removal detail names the key, says what happens and when, and how to avoid it.
func TestKeyDiagnostics_removalDetails(t *testing.T) {
	destroy := removal{Key: testDiagKey}
	pending := removal{Key: testDiagKey, PendingUntil: "2030-01-04T00:00:00Z"}
	replace := removal{Key: testDiagKey, Causes: []string{`type changes from "AES256" to "RSA2048"`}, NewPolicy: "ABANDON"}
	goneAround := time.Date(2030, 1, 4, 12, 0, 0, 0, time.UTC)

	for _, tc := range []struct {
		what, text string
		mentions   []string
		omits      []string
	}{
		{"delete", deleteWarningDetail(destroy),
			[]string{`"app-key"`, "0123abcd", "in this apply", "Both the deletion request and the final delete", "deletion_policy = \"SCHEDULE\"", "deletion_protection = true"},
			[]string{"already pending"}},
		{"delete pending", deleteWarningDetail(pending),
			[]string{"0123abcd", "already pending deletion", "2030-01-04T00:00:00Z", "only the final delete"},
			[]string{"Both the deletion request"}},
		{"delete replacement", deleteWarningDetail(replace),
			[]string{`type changes from "AES256" to "RSA2048"`, "revert the change", `deletion_policy = "ABANDON" applies to the new key only`},
			nil},
		{"schedule", scheduleWarningDetail(destroy, goneAround),
			[]string{`"app-key"`, "0123abcd", "72 hours", "2030-01-04T12:00:00Z", "cancel deletion", "terraform import <address> 0123abcd"},
			nil},
		{"schedule pending", scheduleWarningDetail(pending, goneAround),
			[]string{"already pending deletion", "2030-01-04T00:00:00Z", "without any API call"},
			[]string{"2030-01-04T12:00:00Z"}},
		{"abandon", abandonWarningDetail(destroy),
			[]string{`"app-key"`, "0123abcd", "without any API call", "billed", "deletion_policy = \"SCHEDULE\" or \"DELETE\""},
			[]string{"pending"}},
		{"abandon pending", abandonWarningDetail(pending),
			[]string{"already pending deletion", "2030-01-04T00:00:00Z"},
			nil},
		{"protection", protectionErrorDetail(destroy),
			[]string{`"app-key"`, "0123abcd", "set deletion_protection = false", "terraform apply", "then destroy it", "removed {", "destroy = false"},
			nil},
		{"protection replacement", protectionErrorDetail(replace),
			[]string{"cannot be replaced", `type changes from "AES256" to "RSA2048"`, "apply the change that replaces it again"},
			nil},
		{"name clash on replacement", replacementNameClashDetail(replace, deletionPolicySchedule, "app-key"),
			[]string{"0123abcd", "pending deletion", "another name", `deletion_policy = "DELETE"`},
			nil},
	} {
		requireMentions(t, tc.what, tc.text, tc.mentions...)
		requireOmits(t, tc.what, tc.text, tc.omits...)
	}
}

func TestKeyDiagnostics_nameDetails(t *testing.T) {
	live := kmsapi.Key{KeyName: "App-Key", KeyTag: "feed01", Status: kmsapi.StatusDisable}
	pending := kmsapi.Key{KeyName: "app-key", KeyTag: "feed02", Status: kmsapi.StatusRevoke,
		DestroyDate: time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC).UnixMilli()}

	requireMentions(t, "name in use", nameInUseDetail("app-key", live),
		`"App-Key"`, "feed01", "DISABLE", "terraform import <address> feed01", "terraform import <address> name/App-Key", "another name")
	requireMentions(t, "rename in use", renameInUseDetail(testDiagKey, "app-key", live),
		"0123abcd", "feed01", `"app-key"`)
	requireMentions(t, "name held", nameHeldDetail("app-key", pending, nil),
		"feed02", "2030-05-06T07:08:09Z", "restore_if_pending = true", "pick another name", "wait until 2030-05-06T07:08:09Z")
	renamed := nameHeldDetail("app-key", pending, &testDiagKey)
	requireMentions(t, "rename held", renamed, "0123abcd", "feed02", "2030-05-06T07:08:09Z")
	requireOmits(t, "rename held", renamed, "restore_if_pending")
	requireMentions(t, "adopt", adoptWarningDetail("app-key", pending),
		"feed02", "2030-05-06T07:08:09Z", "restore_if_pending = true", "cancels that key's deletion")
	requireMentions(t, "restore", restoreWarningDetail(testDiagKey, "2030-01-04T00:00:00Z", true),
		"0123abcd", "2030-01-04T00:00:00Z", "cancels the deletion", "enabled again")
	requireMentions(t, "restore disabled", restoreWarningDetail(testDiagKey, "2030-01-04T00:00:00Z", false),
		"enabled = false")
}

// Failure details end with the API's code, message and request id.
func TestKeyDiagnostics_apiErrorTail(t *testing.T) {
	apiErr := &kmsapi.APIError{Method: "DELETE", Path: "/kms/v1/keys/0123abcd", StatusCode: 500,
		Code: "INTERNAL_SERVER_ERROR", Message: "Server internal error", RequestID: "req-42", Attempts: 10}
	tail := apiErrorTail(apiErr)
	if want := `code INTERNAL_SERVER_ERROR, message "Server internal error", request id req-42`; !strings.HasSuffix(tail, want) {
		t.Errorf("tail %q does not end with %q", tail, want)
	}
	requireMentions(t, "tail", tail, "HTTP 500", "10 attempt(s)")

	detail := finalDeleteFailedDetail(testDiagKey, true, "2030-01-04T00:00:00Z", apiErr)
	requireMentions(t, "final delete failed", detail, `"app-key"`, "0123abcd", "2030-01-04T00:00:00Z", "only the final delete")
	if !strings.HasSuffix(detail, "request id req-42") {
		t.Errorf("detail does not end with the request id:\n%s", detail)
	}

	noID := apiErrorTail(&kmsapi.APIError{Method: "POST", Path: "/p", StatusCode: 422, Code: "UNPROCESSABLE_ENTITY", Message: "Invalid status"})
	requireMentions(t, "tail without request id", noID, "request id (none)")

	transport := apiErrorTail(&kmsapi.APIError{Method: "GET", Path: "/p", Message: "connection refused", Attempts: 3})
	requireMentions(t, "transport failure", transport, "No answer", "connection refused", "3 attempt(s)")

	requireMentions(t, "other error", apiErrorTail(errors.New("context canceled")), "context canceled")
}

func TestKeyDiagnostics_formatting(t *testing.T) {
	if got := formatMillis(0); got != "an unknown date" {
		t.Errorf("formatMillis(0) = %q", got)
	}
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.FixedZone("KST", 9*3600))
	if got := formatTime(at); got != "2030-01-01T18:04:05Z" {
		t.Errorf("formatTime = %q, want UTC", got)
	}
	if got := testDiagKey.String(); got != `"app-key" (key tag 0123abcd)` {
		t.Errorf("keyRef = %q", got)
	}
}
