package kmsmock

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

const unknownTag = "0000000000000000000000000000000000000000000000000000000000000000"

// keyInStatus creates an auto-rotating key and moves it to status ("" = a tag that does not exist).
func keyInStatus(t *testing.T, s *Server, name, status string) string {
	t.Helper()
	if status == "" {
		return unknownTag
	}
	k := mustCreate(t, s, KeySpec{Name: name, Memo: "before", RotationDays: 30})
	switch status {
	case statusDisable:
		if err := s.DisableKey(k.KeyTag); err != nil {
			t.Fatal(err)
		}
	case statusRevoke:
		if err := s.RequestDeletion(k.KeyTag); err != nil {
			t.Fatal(err)
		}
	}
	return k.KeyTag
}

// outcome is what one call does to a key in one status: the HTTP status, and the key's status after
// ("gone" when it no longer exists; "" for a refused call, which must change nothing).
type outcome struct {
	httpStatus int
	after      string
}

var (
	refused  = outcome{http.StatusUnprocessableEntity, ""}
	notFound = outcome{http.StatusNotFound, ""}
	// everyStatus: allowed in every status, and the key's status stays
	everyStatus = map[string]outcome{
		statusEnable: {200, statusEnable}, statusDisable: {200, statusDisable}, statusRevoke: {200, statusRevoke}, "": notFound}
)

func TestStatusTransitions(t *testing.T) {
	tests := []struct {
		method, action string
		body           any
		byStatus       map[string]outcome // ENABLE, DISABLE, REVOKE, "" (unknown tag)
	}{
		{"POST", "enable", nil, map[string]outcome{
			statusEnable: {200, statusEnable}, statusDisable: {200, statusEnable}, statusRevoke: refused, "": notFound}},
		{"POST", "disable", nil, map[string]outcome{
			statusEnable: {200, statusDisable}, statusDisable: {200, statusDisable}, statusRevoke: refused, "": notFound}},
		{"POST", "enable-auto-rotation", nil, map[string]outcome{
			statusEnable: {200, statusEnable}, statusDisable: refused, statusRevoke: refused, "": notFound}},
		{"POST", "disable-auto-rotation", nil, map[string]outcome{
			statusEnable: {200, statusEnable}, statusDisable: {200, statusDisable}, statusRevoke: refused, "": notFound}},
		{"PUT", "rotation-period", map[string]any{"rotationPeriod": 60}, map[string]outcome{
			statusEnable: {200, statusEnable}, statusDisable: refused, statusRevoke: refused, "": notFound}},
		{"PUT", "name", map[string]any{"keyName": "renamed"}, map[string]outcome{
			statusEnable: {200, statusEnable}, statusDisable: {200, statusDisable}, statusRevoke: refused, "": notFound}},
		{"PUT", "memo", map[string]any{"memo": "after"}, map[string]outcome{
			statusEnable: {200, statusEnable}, statusDisable: {200, statusDisable}, statusRevoke: refused, "": notFound}},
		{"POST", "request-deletion", nil, map[string]outcome{
			statusEnable: {200, statusRevoke}, statusDisable: {200, statusRevoke}, statusRevoke: refused, "": notFound}},
		{"POST", "cancel-deletion", nil, map[string]outcome{
			statusEnable: refused, statusDisable: refused, statusRevoke: {200, statusDisable}, "": notFound}},
		{"DELETE", "", nil, map[string]outcome{
			statusEnable: refused, statusDisable: refused, statusRevoke: {200, "gone"}, "": notFound}},
		{"GET", "", nil, map[string]outcome{
			statusEnable: {200, statusEnable}, statusDisable: {200, statusDisable}, statusRevoke: {200, statusRevoke}, "": notFound}},
		{"POST", "rotate", nil, map[string]outcome{
			statusEnable: {200, statusEnable}, statusDisable: refused, statusRevoke: refused, "": notFound}},
		{"GET", "versions", nil, map[string]outcome{
			statusEnable: {200, statusEnable}, statusDisable: {200, statusDisable}, statusRevoke: {200, statusRevoke}, "": notFound}},
		{"POST", "versions/1/enable", nil, map[string]outcome{
			statusEnable: {200, statusEnable}, statusDisable: refused, statusRevoke: refused, "": notFound}},
		{"POST", "versions/1/disable", nil, map[string]outcome{ // version 1 is current: refused in every status
			statusEnable: refused, statusDisable: refused, statusRevoke: refused, "": notFound}},
		{"GET", "last-use-info", nil, map[string]outcome{
			statusEnable: {200, statusEnable}, statusDisable: {200, statusDisable}, statusRevoke: {200, statusRevoke}, "": notFound}},
		{"GET", "activities", nil, map[string]outcome{
			statusEnable: {200, statusEnable}, statusDisable: {200, statusDisable}, statusRevoke: {200, statusRevoke}, "": notFound}},
		{"GET", "acl", nil, everyStatus},
		{"POST", "acl", map[string]any{"ipList": []string{"10.0.0.1"}}, everyStatus},
		{"DELETE", "acl", map[string]any{"ipList": []string{"10.0.0.1"}}, everyStatus},
		{"POST", "acl/enable", nil, everyStatus},
		{"POST", "acl/disable", nil, everyStatus},
		{"POST", "token-generator", nil, everyStatus},
		{"GET", "token-generator", nil, map[string]outcome{ // the key has none
			statusEnable: notFound, statusDisable: notFound, statusRevoke: notFound, "": notFound}},
		{"POST", "token-set", nil, map[string]outcome{ // needs an active generator
			statusEnable: refused, statusDisable: refused, statusRevoke: refused, "": notFound}},
	}
	for _, tt := range tests {
		for _, from := range []string{statusEnable, statusDisable, statusRevoke, ""} {
			name := fmt.Sprintf("%s %s on %s", tt.method, tt.action, cmpOr(from, "unknown tag"))
			t.Run(name, func(t *testing.T) {
				c := newTestClient(t, Options{})
				tag := keyInStatus(t, c.server, "subject", from)
				before, _ := c.server.Key(tag)
				uri := "/kms/v1/keys/" + tag
				if tt.action != "" {
					uri += "/" + tt.action
				}
				want := tt.byStatus[from]
				got := c.call(tt.method, uri, tt.body)
				switch want.httpStatus {
				case http.StatusOK:
					got.data(t, nil)
				case http.StatusUnprocessableEntity:
					got.failed(t, 422, "UNPROCESSABLE_ENTITY", "Invalid status")
				case http.StatusNotFound:
					got.failed(t, 404, "NOT_FOUND", "")
				}
				after, exists := c.server.Key(tag)
				switch want.after {
				case "gone":
					if exists {
						t.Fatalf("key still exists: %+v", after)
					}
				case "":
					if from != "" && after != before {
						t.Fatalf("a refused call changed the key:\nbefore %+v\nafter  %+v", before, after)
					}
				default:
					if after.Status != want.after {
						t.Fatalf("status after = %s, want %s", after.Status, want.after)
					}
				}
			})
		}
	}
}

func cmpOr(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

func TestRotationPeriodNeedsAutoRotation(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "manual"})
	c.call("PUT", "/kms/v1/keys/"+k.KeyTag+"/rotation-period", map[string]any{"rotationPeriod": 30}).
		failed(t, 422, "UNPROCESSABLE_ENTITY", "Invalid status")
	c.call("POST", "/kms/v1/keys/"+k.KeyTag+"/enable-auto-rotation", nil).data(t, nil)
	c.call("PUT", "/kms/v1/keys/"+k.KeyTag+"/rotation-period", map[string]any{"rotationPeriod": 30}).data(t, nil)
	c.call("POST", "/kms/v1/keys/"+k.KeyTag+"/disable-auto-rotation", nil).data(t, nil)
	c.call("PUT", "/kms/v1/keys/"+k.KeyTag+"/rotation-period", map[string]any{"rotationPeriod": 40}).
		failed(t, 422, "UNPROCESSABLE_ENTITY", "Invalid status")
}

// TestTransitionsKeepStatusDate: a no-op enable or disable reports the time of the last real change.
func TestTransitionsKeepStatusDate(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "dated"})
	var first, second statusChange
	c.call("POST", "/kms/v1/keys/"+k.KeyTag+"/enable", nil).data(t, &first)
	if first.StatusDate != k.RegisterDate || first.Status != statusEnable || first.KeyTag != k.KeyTag {
		t.Fatalf("no-op enable = %+v, want the creation time %d", first, k.RegisterDate)
	}
	c.server.AdvanceClock(time.Hour)
	c.call("POST", "/kms/v1/keys/"+k.KeyTag+"/disable", nil).data(t, &second)
	if second.StatusDate < k.RegisterDate+time.Hour.Milliseconds() || second.Status != statusDisable {
		t.Fatalf("disable = %+v, want a statusDate an hour after creation", second)
	}
}

func TestUnknownTagInEveryRoute(t *testing.T) {
	c := newTestClient(t, Options{})
	check := func(uri string, routes map[string]keyHandler) {
		for method := range routes {
			body := map[string]any{"keyName": "valid", "memo": "", "rotationPeriod": 10, "ipList": []string{"10.0.0.1"},
				"plaintext": "AAAA", "ciphertext": "ncpkms:v1:AAAA", "data": "AAAA", "signature": "ncpkms:v1:AAAA"}
			c.call(method, uri, body).failed(t, 404, "NOT_FOUND", unknownTag)
		}
	}
	for action, routes := range keyRoutes {
		check(strings.TrimSuffix("/kms/v1/keys/"+unknownTag+"/"+action, "/"), routes)
	}
	for action, routes := range versionRoutes {
		check("/kms/v1/keys/"+unknownTag+"/versions/1/"+action, routes)
	}
}
