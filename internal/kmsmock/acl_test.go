package kmsmock

import (
	"fmt"
	"strings"
	"testing"
)

func aclOf(t *testing.T, c *testClient, tag string) aclInfo {
	t.Helper()
	return fetch[aclInfo](t, c, "/kms/v1/keys/"+tag+"/acl")
}

func TestACLAnswers(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "guarded"})
	uri := "/kms/v1/keys/" + k.KeyTag + "/acl"

	got := c.call("GET", uri, nil)
	sameFields(t, "get acl", got.fieldNames(t), "keyTag", "isAclEnabled", "allowedIpList")
	if !strings.Contains(string(got.body), `"isAclEnabled":false,"allowedIpList":[]`) {
		t.Fatalf("new key's ACL = %s, want off with an empty list", got.body)
	}
	got = c.call("POST", uri, map[string]any{"ipList": []string{"10.0.0.1"}})
	sameFields(t, "add acl", got.fieldNames(t), "keyTag", "allowedIpList")
	got = c.call("DELETE", uri, map[string]any{"ipList": []string{"10.0.0.1"}})
	sameFields(t, "delete acl", got.fieldNames(t), "keyTag", "allowedIpList")
	if !strings.Contains(string(got.body), `"allowedIpList":[]`) {
		t.Fatalf("removing the last address = %s, want an empty array", got.body)
	}
	for _, action := range []string{"enable", "disable"} {
		got = c.call("POST", uri+"/"+action, nil)
		sameFields(t, "acl "+action, got.fieldNames(t), "keyTag", "isAclEnabled")
	}
}

func TestACLListChanges(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "listed"})
	uri := "/kms/v1/keys/" + k.KeyTag + "/acl"
	steps := []struct {
		method string
		body   any
		want   string
	}{
		{"POST", map[string]any{"ipList": []string{"10.0.0.1", "10.0.0.2"}}, "[10.0.0.1 10.0.0.2]"},
		{"POST", map[string]any{"ipList": []string{"10.0.0.2", "10.0.0.3", "10.0.0.3"}}, "[10.0.0.1 10.0.0.2 10.0.0.3]"}, // listed and duplicated count once
		{"POST", map[string]any{"ipList": []string{}}, "[10.0.0.1 10.0.0.2 10.0.0.3]"},                                   // empty: nothing changes
		{"DELETE", map[string]any{"ipList": []string{"10.0.0.1", "192.0.2.9"}}, "[10.0.0.2 10.0.0.3]"},                   // unlisted: nothing to remove
		{"DELETE", map[string]any{"ipList": []string{}}, "[10.0.0.2 10.0.0.3]"},
		{"POST", `{"IpList":["10.0.0.4"]}`, "[10.0.0.2 10.0.0.3 10.0.0.4]"}, // the older page's spelling
		{"DELETE", map[string]any{"ipList": []string{"10.0.0.4", "10.0.0.3", "10.0.0.2"}}, "[]"},
	}
	for _, step := range steps {
		var answer aclList
		c.call(step.method, uri, step.body).data(t, &answer)
		if got := fmt.Sprint(answer.AllowedIPList); got != step.want || answer.KeyTag != k.KeyTag {
			t.Fatalf("%s %v answered %+v, want %s", step.method, step.body, answer, step.want)
		}
		if got := fmt.Sprint(aclOf(t, c, k.KeyTag).AllowedIPList); got != step.want {
			t.Fatalf("%s %v: GET shows %s, want %s", step.method, step.body, got, step.want)
		}
	}
}

func TestACLRejectsBadAddresses(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "strict"})
	if err := c.server.AddAllowedIPs(k.KeyTag, "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	uri := "/kms/v1/keys/" + k.KeyTag + "/acl"
	bodies := map[string]any{
		"three parts":          map[string]any{"ipList": []string{"10.0.0"}},
		"octet over 255":       map[string]any{"ipList": []string{"10.0.0.256"}},
		"IPv6":                 map[string]any{"ipList": []string{"::1"}},
		"IPv4-mapped IPv6":     map[string]any{"ipList": []string{"::ffff:10.0.0.2"}},
		"CIDR":                 map[string]any{"ipList": []string{"10.0.0.0/24"}},
		"leading zero":         map[string]any{"ipList": []string{"010.0.0.2"}},
		"spaces":               map[string]any{"ipList": []string{" 10.0.0.2"}},
		"empty item":           map[string]any{"ipList": []string{""}},
		"host name":            map[string]any{"ipList": []string{"localhost"}},
		"one good, one bad":    map[string]any{"ipList": []string{"10.0.0.2", "10.0.0.x"}},
		"not strings":          map[string]any{"ipList": []int{10}},
		"not a list":           map[string]any{"ipList": "10.0.0.2"},
		"missing":              map[string]any{},
		"null":                 `{"ipList":null}`,
		"malformed":            `{"ipList":[`,
		"no body (DELETE too)": "",
	}
	for name, body := range bodies {
		for _, method := range []string{"POST", "DELETE"} {
			t.Run(method+" "+name, func(t *testing.T) {
				c.call(method, uri, body).failed(t, 400, "INVALID_REQUEST", "")
				if got := fmt.Sprint(aclOf(t, c, k.KeyTag).AllowedIPList); got != "[10.0.0.1]" {
					t.Fatalf("a refused change left %s", got)
				}
			})
		}
	}
	c.call("POST", uri, map[string]any{"ipList": []string{"10.0.0.x"}}).failed(t, 400, "INVALID_REQUEST", `ipList item "10.0.0.x"`)
}

func TestACLSwitch(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "switch"})
	uri := "/kms/v1/keys/" + k.KeyTag + "/acl"
	for _, step := range []struct {
		action string
		want   bool
	}{{"enable", true}, {"enable", true}, {"disable", false}, {"disable", false}, {"enable", true}} {
		var answer aclState
		c.call("POST", uri+"/"+step.action, nil).data(t, &answer)
		if answer.IsACLEnabled != step.want || aclOf(t, c, k.KeyTag).IsACLEnabled != step.want {
			t.Fatalf("%s: %+v, want isAclEnabled %v", step.action, answer, step.want)
		}
	}
	// the switch leaves the list alone, and the list leaves the switch alone
	if err := c.server.AddAllowedIPs(k.KeyTag, "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	c.call("POST", uri+"/disable", nil).data(t, nil)
	if got := aclOf(t, c, k.KeyTag); got.IsACLEnabled || fmt.Sprint(got.AllowedIPList) != "[10.0.0.1]" {
		t.Fatalf("after disable: %+v", got)
	}
	c.call("GET", uri+"/enable", nil).failed(t, 405, "METHOD_NOT_ALLOWED", "GET")
	c.call("PUT", uri, nil).failed(t, 405, "METHOD_NOT_ALLOWED", "PUT")
	c.call("POST", uri+"/other", nil).failed(t, 404, "NOT_FOUND", "No such API")
}

func TestACLModelHelpers(t *testing.T) {
	s := New(Options{})
	k, err := s.CreateKey(KeySpec{Name: "direct", Type: "AES256", ProtectionType: "BASIC"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddAllowedIPs(k.KeyTag, "10.0.0.1", "10.0.0.2"); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveAllowedIPs(k.KeyTag, "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if err := s.EnableACL(k.KeyTag); err != nil {
		t.Fatal(err)
	}
	enabled, ips, err := s.ACL(k.KeyTag)
	if err != nil || !enabled || fmt.Sprint(ips) != "[10.0.0.2]" {
		t.Fatalf("ACL = %v %v %v", enabled, ips, err)
	}
	if err := s.DisableACL(k.KeyTag); err != nil {
		t.Fatal(err)
	}
	if err := s.AddAllowedIPs(k.KeyTag, "::1"); err == nil {
		t.Fatal("an IPv6 address was accepted")
	}
	if _, _, err := s.ACL(unknownTag); err == nil {
		t.Fatal("ACL of an unknown key succeeded")
	}
}
