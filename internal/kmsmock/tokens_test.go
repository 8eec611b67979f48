package kmsmock

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// withToken sends an unsigned request that authenticates with token.
func (c *testClient) withToken(method, uri, token string, body any) reply {
	c.t.Helper()
	req := c.request(method, uri, body)
	req.Header.Set(headerToken, token)
	return c.send(req)
}

// unauthorized checks the gateway's 401 and that it does not repeat the token.
func (r reply) unauthorized(t *testing.T, token, detail string) {
	t.Helper()
	if r.status != 401 || !strings.Contains(string(r.body), `"errorCode":"200"`) || !strings.Contains(string(r.body), detail) {
		t.Fatalf("want the gateway's 401 saying %q, got %d %s", detail, r.status, r.body)
	}
	if token != "" && strings.Contains(string(r.body), token) {
		t.Fatalf("the 401 repeats the token: %s", r.body)
	}
}

func generatorOf(t *testing.T, c *testClient, tag string) TokenGenerator {
	t.Helper()
	return fetch[TokenGenerator](t, c, "/kms/v1/keys/"+tag+"/token-generator")
}

// keyWithGenerator makes an ENABLE key that has a token generator.
func keyWithGenerator(t *testing.T, s *Server, name string) Key {
	t.Helper()
	k := mustCreate(t, s, KeySpec{Name: name})
	if err := s.CreateTokenGenerator(k.KeyTag); err != nil {
		t.Fatal(err)
	}
	return k
}

func newTokenSet(t *testing.T, c *testClient, tag string, body any) tokenSet {
	t.Helper()
	var set tokenSet
	c.call("POST", "/kms/v1/keys/"+tag+"/token-set", body).data(t, &set)
	if set.AccessToken == "" || set.RefreshToken == "" || set.AccessToken == set.RefreshToken {
		t.Fatalf("token set %+v", set)
	}
	return set
}

func TestTokenGeneratorLifecycle(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "tokens"})
	uri := "/kms/v1/keys/" + k.KeyTag + "/token-generator"

	c.call("GET", uri, nil).failed(t, 404, "NOT_FOUND", "Token generator not found")
	c.call("PUT", uri, nil).failed(t, 404, "NOT_FOUND", "Token generator not found")
	c.call("DELETE", uri, nil).failed(t, 404, "NOT_FOUND", "Token generator not found")
	if got := c.call("POST", uri, nil); string(got.body) != `{"code":"SUCCESS","data":null}` {
		t.Fatalf("create = %d %s", got.status, got.body)
	}
	c.call("POST", uri, nil).failed(t, 409, "CONFLICT", "already has a token generator")

	got := c.call("GET", uri, nil)
	sameFields(t, "token generator", got.fieldNames(t), "tokenGeneratorId", "status", "enabledDate", "disabledDate", "issuedTokenCount")
	first := generatorOf(t, c, k.KeyTag)
	if first.TokenGeneratorID == "" || first.Status != "ACTIVE" || first.EnabledDate < k.RegisterDate || first.DisabledDate != 0 || first.IssuedTokenCount != 0 {
		t.Fatalf("new generator = %+v", first)
	}
	newTokenSet(t, c, k.KeyTag, nil)
	if g := generatorOf(t, c, k.KeyTag); g.IssuedTokenCount != 1 {
		t.Fatalf("after one token set the count is %d", g.IssuedTokenCount)
	}

	c.server.AdvanceClock(time.Hour)
	if got := c.call("PUT", uri, nil); string(got.body) != `{"code":"SUCCESS","data":null}` {
		t.Fatalf("replace = %d %s", got.status, got.body)
	}
	replaced := generatorOf(t, c, k.KeyTag)
	if replaced.TokenGeneratorID == first.TokenGeneratorID || replaced.IssuedTokenCount != 0 || replaced.EnabledDate < first.EnabledDate+time.Hour.Milliseconds() {
		t.Fatalf("replaced generator = %+v (was %+v)", replaced, first)
	}
	if got := c.call("DELETE", uri, nil); string(got.body) != `{"code":"SUCCESS","data":null}` {
		t.Fatalf("delete = %d %s", got.status, got.body)
	}
	c.call("GET", uri, nil).failed(t, 404, "NOT_FOUND", "")
	c.call("POST", uri, nil).data(t, nil) // a new one may be made after deleting
}

func TestTokenGeneratorFollowsTheKeyStatus(t *testing.T) {
	c := newTestClient(t, Options{})
	k := keyWithGenerator(t, c.server, "inactive")
	c.server.AdvanceClock(time.Minute)
	disableKey(t, c.server, k.KeyTag)
	disabled, _ := c.server.Key(k.KeyTag)
	g := generatorOf(t, c, k.KeyTag)
	if g.Status != "INACTIVE" || g.DisabledDate == 0 || g.DisabledDate < g.EnabledDate+time.Minute.Milliseconds() {
		t.Fatalf("generator of a disabled key = %+v (key %+v)", g, disabled)
	}
	c.call("POST", "/kms/v1/keys/"+k.KeyTag+"/token-set", nil).failed(t, 422, "UNPROCESSABLE_ENTITY", "Invalid status")
	if err := c.server.EnableKey(k.KeyTag); err != nil {
		t.Fatal(err)
	}
	if g := generatorOf(t, c, k.KeyTag); g.Status != "ACTIVE" || g.DisabledDate != 0 {
		t.Fatalf("generator after enabling the key = %+v", g)
	}
	requestDeletion(t, c.server, k.KeyTag)
	if g := generatorOf(t, c, k.KeyTag); g.Status != "INACTIVE" {
		t.Fatalf("generator of a key pending deletion = %+v", g)
	}
	// generator calls are allowed in every status
	if err := c.server.ReplaceTokenGenerator(k.KeyTag); err != nil {
		t.Fatal(err)
	}
	if err := c.server.DeleteTokenGenerator(k.KeyTag); err != nil {
		t.Fatal(err)
	}
	if _, err := c.server.TokenGenerator(k.KeyTag); err == nil {
		t.Fatal("the generator survived its deletion")
	}
}

func TestTokenSetLifetimes(t *testing.T) {
	c := newTestClient(t, Options{})
	k := keyWithGenerator(t, c.server, "lifetimes")
	uri := "/kms/v1/keys/" + k.KeyTag + "/token-set"
	accepted := []any{nil, "", "{}", `{"accessTokenHours":null}`, map[string]any{"accessTokenHours": 1, "refreshTokenHours": 17520},
		map[string]any{"accessTokenHours": "UL", "refreshTokenHours": "UL"}, map[string]any{"other": 1}}
	for _, body := range accepted {
		got := c.call("POST", uri, body)
		sameFields(t, fmt.Sprintf("token set %v", body), got.fieldNames(t), "refreshToken", "accessToken")
	}
	refusals := map[string]any{
		"accessTokenHours":  map[string]any{"accessTokenHours": 0},
		"refreshTokenHours": map[string]any{"refreshTokenHours": 17521},
	}
	for i, bad := range []any{-1, 1.5, "72", "ul", true, []int{1}} {
		refusals[fmt.Sprintf("accessTokenHours %d", i)] = map[string]any{"accessTokenHours": bad}
	}
	for want, body := range refusals {
		c.call("POST", uri, body).failed(t, 400, "INVALID_REQUEST", strings.Fields(want)[0])
	}
	c.call("POST", uri, "{").failed(t, 400, "INVALID_REQUEST", "Malformed JSON")
	if g := generatorOf(t, c, k.KeyTag); g.IssuedTokenCount != int64(len(accepted)) {
		t.Fatalf("issuedTokenCount %d, want %d (refusals do not count)", g.IssuedTokenCount, len(accepted))
	}
}

func TestTokenAuthentication(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "authed"})
	other := mustCreate(t, c.server, KeySpec{Name: "other"})
	for _, tag := range []string{k.KeyTag, other.KeyTag} {
		if err := c.server.CreateTokenGenerator(tag); err != nil {
			t.Fatal(err)
		}
	}
	set := newTokenSet(t, c, k.KeyTag, map[string]any{"accessTokenHours": 1, "refreshTokenHours": 2})
	foreign := newTokenSet(t, c, other.KeyTag, nil)
	base := "/kms/v1/keys/" + k.KeyTag

	// a refresh token renews the set (the old one stays valid) and issues access tokens
	var renewed tokenSet
	got := c.withToken("PUT", base+"/token-set", set.RefreshToken, map[string]any{"accessTokenHours": "UL"})
	sameFields(t, "renewed set", got.fieldNames(t), "refreshToken", "accessToken")
	got.data(t, &renewed)
	got = c.withToken("POST", base+"/access-token", set.RefreshToken, nil)
	sameFields(t, "access token", got.fieldNames(t), "accessToken")
	c.withToken("POST", base+"/access-token", renewed.RefreshToken, map[string]any{"accessTokenHours": 5}).data(t, nil)
	c.withToken("POST", base+"/access-token", set.RefreshToken, map[string]any{"accessTokenHours": 0}).failed(t, 400, "INVALID_REQUEST", "accessTokenHours")
	if g := generatorOf(t, c, k.KeyTag); g.IssuedTokenCount != 4 {
		t.Fatalf("issuedTokenCount %d, want 4: two sets and two access tokens", g.IssuedTokenCount)
	}

	refusals := []struct {
		name, method, uri, token, detail string
	}{
		{"access token where a refresh token is due", "POST", base + "/access-token", set.AccessToken, "takes a refresh token"},
		{"another key's token", "PUT", base + "/token-set", foreign.RefreshToken, "another key"},
		{"an unknown token", "PUT", base + "/token-set", "not-a-token", "unknown or revoked"},
		{"a token on a signed-only call", "GET", base, set.RefreshToken, "not accepted"},
		{"a token on a signed-only sub-resource", "POST", base + "/token-set", set.RefreshToken, "not accepted"},
		{"a token outside the keys", "GET", "/kms/v1/keys", set.RefreshToken, "not accepted"},
	}
	for _, r := range refusals {
		t.Run(r.name, func(t *testing.T) {
			c.withToken(r.method, r.uri, r.token, nil).unauthorized(t, r.token, r.detail)
		})
	}
	// a signed request to a token-only call is refused the same way
	c.call("POST", base+"/access-token", nil).unauthorized(t, "", "takes a refresh token")
	c.call("PUT", base+"/token-set", nil).unauthorized(t, "", "takes a refresh token")
	// signature headers win over a token header: this is a signed call
	req := c.request("GET", base, nil)
	req.Header.Set(headerToken, set.RefreshToken)
	c.signAt(req, c.server.GatewayNow())
	c.send(req).data(t, nil)

	// tokens expire on the model's clock; unlimited ones do not
	c.server.AdvanceClock(2 * time.Hour)
	c.withToken("PUT", base+"/token-set", set.RefreshToken, nil).unauthorized(t, set.RefreshToken, "expired")
	c.withToken("PUT", base+"/token-set", renewed.RefreshToken, nil).data(t, nil) // 2160 hours by default
}

func TestTokensRevokedWithTheirGenerator(t *testing.T) {
	for _, revoke := range []string{"PUT", "DELETE"} {
		t.Run(revoke, func(t *testing.T) {
			c := newTestClient(t, Options{})
			k := keyWithGenerator(t, c.server, "revoked")
			set := newTokenSet(t, c, k.KeyTag, map[string]any{"refreshTokenHours": "UL"})
			c.call(revoke, "/kms/v1/keys/"+k.KeyTag+"/token-generator", nil).data(t, nil)
			c.withToken("POST", "/kms/v1/keys/"+k.KeyTag+"/access-token", set.RefreshToken, nil).unauthorized(t, set.RefreshToken, "revoked")
		})
	}
}

func TestTokensOutliveADisabledKey(t *testing.T) {
	c := newTestClient(t, Options{})
	k := keyWithGenerator(t, c.server, "paused")
	set := newTokenSet(t, c, k.KeyTag, nil)
	uri := "/kms/v1/keys/" + k.KeyTag + "/access-token"
	disableKey(t, c.server, k.KeyTag)
	c.withToken("POST", uri, set.RefreshToken, nil).failed(t, 422, "UNPROCESSABLE_ENTITY", "Invalid status")
	if err := c.server.EnableKey(k.KeyTag); err != nil {
		t.Fatal(err)
	}
	c.withToken("POST", uri, set.RefreshToken, nil).data(t, nil)
	// a key finally deleted takes its tokens along
	requestDeletion(t, c.server, k.KeyTag)
	if err := c.server.DeleteKey(k.KeyTag); err != nil {
		t.Fatal(err)
	}
	c.withToken("POST", uri, set.RefreshToken, nil).unauthorized(t, set.RefreshToken, "revoked")
}

// With the ACL on, only listed client addresses get token sets or access tokens; signed account
// calls are not filtered.
func TestACLFiltersTokenRequests(t *testing.T) {
	c := newTestClient(t, Options{})
	k := keyWithGenerator(t, c.server, "filtered")
	set := newTokenSet(t, c, k.KeyTag, nil) // before the ACL is on
	base := "/kms/v1/keys/" + k.KeyTag
	tokenRequests := func(want int) {
		t.Helper()
		for _, got := range []reply{
			c.call("POST", base+"/token-set", nil),
			c.withToken("PUT", base+"/token-set", set.RefreshToken, nil),
			c.withToken("POST", base+"/access-token", set.RefreshToken, nil),
		} {
			if want == 403 {
				got.failed(t, 403, "FORBIDDEN", "127.0.0.1")
			} else {
				got.data(t, nil)
			}
		}
	}
	if err := c.server.AddAllowedIPs(k.KeyTag, "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	tokenRequests(200) // a list alone filters nothing
	c.call("POST", base+"/acl/enable", nil).data(t, nil)
	tokenRequests(403)
	c.call("GET", base, nil).data(t, nil) // signed account calls pass
	c.call("GET", base+"/token-generator", nil).data(t, nil)
	before := generatorOf(t, c, k.KeyTag).IssuedTokenCount
	c.call("POST", base+"/acl", map[string]any{"ipList": []string{"127.0.0.1"}}).data(t, nil)
	tokenRequests(200)
	c.call("DELETE", base+"/acl", map[string]any{"ipList": []string{"127.0.0.1", "10.0.0.1"}}).data(t, nil)
	tokenRequests(403) // on with an empty list: nobody
	c.call("POST", base+"/acl/disable", nil).data(t, nil)
	tokenRequests(200)
	if after := generatorOf(t, c, k.KeyTag).IssuedTokenCount; after != before+6 {
		t.Fatalf("issuedTokenCount went from %d to %d, want +6 (refused requests do not count)", before, after)
	}
}

func TestTokenCallsAreJournaled(t *testing.T) {
	c := newTestClient(t, Options{})
	k := keyWithGenerator(t, c.server, "journaled")
	set := newTokenSet(t, c, k.KeyTag, nil)
	c.withToken("POST", "/kms/v1/keys/"+k.KeyTag+"/access-token", set.RefreshToken, nil).data(t, nil)
	c.withToken("POST", "/kms/v1/keys/"+k.KeyTag+"/access-token", "bad", nil).unauthorized(t, "", "unknown")
	var got []string
	for _, call := range c.server.Journal() {
		got = append(got, fmt.Sprintf("%s %s %d", call.Method, strings.TrimPrefix(call.Path, "/kms/v1/keys/"+k.KeyTag), call.Status))
	}
	if want := "[POST /token-set 200 POST /access-token 200 POST /access-token 401]"; fmt.Sprint(got) != want {
		t.Fatalf("journal %v, want %s", got, want)
	}
}
