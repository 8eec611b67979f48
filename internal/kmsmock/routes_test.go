package kmsmock

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestEveryRouteReachesItsHandler: a modelled route never answers 404 "No such API" or 405.
func TestEveryRouteReachesItsHandler(t *testing.T) {
	s := New(Options{})
	k := mustCreate(t, s, KeySpec{Name: "routed", RotationDays: 5})
	for action, routes := range keyRoutes {
		for method, handle := range routes {
			if handle == nil {
				t.Fatalf("%s %q has no handler", method, action)
			}
			path := "/kms/v1/keys/" + k.KeyTag
			if action != "" {
				path += "/" + action
			}
			resp := s.dispatch(httptest.NewRequest(method, path, nil))
			body, isError := resp.body.(errorBody)
			if resp.status == http.StatusMethodNotAllowed || isError && strings.HasPrefix(body.Msg, "No such API") {
				t.Errorf("%s %s was not routed: %d %+v", method, path, resp.status, resp.body)
			}
		}
	}
	for method := range collectionRoutes {
		if resp := s.dispatch(httptest.NewRequest(method, "/kms/v1/keys", nil)); resp.status == 404 || resp.status == 405 {
			t.Errorf("%s /kms/v1/keys -> %d", method, resp.status)
		}
	}
}

func TestAllowedMethods(t *testing.T) {
	if got := allowedMethods(keyRoutes[""]); got != "DELETE, GET" {
		t.Fatalf("allowedMethods = %q", got)
	}
}
