package kmsapi

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

// Each signed access call sends the documented method, path and body and decodes its answer.
func TestAccess_typedCallsSendTheDocumentedRequests(t *testing.T) {
	fs := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/acl"):
			writeSuccess(w, map[string]any{"keyTag": "t1", "isAclEnabled": true, "allowedIpList": []string{"10.0.0.1"}})
		case strings.HasSuffix(r.URL.Path, "/token-generator") && r.Method == http.MethodGet:
			writeSuccess(w, map[string]any{"tokenGeneratorId": "g1", "status": "ACTIVE", "enabledDate": 5, "disabledDate": 0, "issuedTokenCount": 2})
		case strings.HasSuffix(r.URL.Path, "/token-set"):
			writeSuccess(w, map[string]any{"refreshToken": "r1", "accessToken": "a1"})
		default:
			writeSuccess(w, nil)
		}
	})
	client, _ := newTestClient(t, fs.endpoint())
	ctx := context.Background()
	var (
		acl *ACL
		ips []string
		g   *TokenGenerator
		set *TokenSet
		err error
	)
	runTypedCalls(t, fs, []typedCall{
		{"GET", "/kms/v1/keys/t1/acl", "", func() error { acl, err = client.GetACL(ctx, "t1"); return err },
			func() bool { return acl.Enabled && len(acl.AllowedIPs) == 1 && acl.KeyTag == "t1" }},
		{"POST", "/kms/v1/keys/t1/acl", `{"ipList":["10.0.0.1","10.0.0.2"]}`,
			func() error { ips, err = client.AddAllowedIPs(ctx, "t1", []string{"10.0.0.1", "10.0.0.2"}); return err },
			func() bool { return len(ips) == 1 && ips[0] == "10.0.0.1" }},
		{"DELETE", "/kms/v1/keys/t1/acl", `{"ipList":[]}`, func() error { ips, err = client.RemoveAllowedIPs(ctx, "t1", nil); return err }, nil},
		{"POST", "/kms/v1/keys/t1/acl/enable", "", func() error { return client.EnableACL(ctx, "t1") }, nil},
		{"POST", "/kms/v1/keys/t1/acl/disable", "", func() error { return client.DisableACL(ctx, "t1") }, nil},
		{"POST", "/kms/v1/keys/t1/token-generator", "", func() error { return client.CreateTokenGenerator(ctx, "t1") }, nil},
		{"GET", "/kms/v1/keys/t1/token-generator", "", func() error { g, err = client.GetTokenGenerator(ctx, "t1"); return err },
			func() bool { return *g == TokenGenerator{"g1", GeneratorActive, 5, 0, 2} }},
		{"PUT", "/kms/v1/keys/t1/token-generator", "", func() error { return client.ReplaceTokenGenerator(ctx, "t1", "g1") }, nil},
		{"DELETE", "/kms/v1/keys/t1/token-generator", "", func() error { return client.DeleteTokenGenerator(ctx, "t1") }, nil},
		{"POST", "/kms/v1/keys/t1/token-set", `{"accessTokenHours":72,"refreshTokenHours":"UL"}`,
			func() error {
				set, err = client.CreateTokenSet(ctx, "t1", TokenLifetimes{AccessTokenHours: 72})
				return err
			}, func() bool { return *set == TokenSet{"r1", "a1"} }},
	})
}

func TestAccess_emptyArgumentsAreRefusedLocally(t *testing.T) {
	client, _ := newTestClient(t, "http://127.0.0.1:1/kms/v1")
	ctx := context.Background()
	for name, call := range map[string]func() error{
		"GetACL":                func() error { _, err := client.GetACL(ctx, ""); return err },
		"AddAllowedIPs":         func() error { _, err := client.AddAllowedIPs(ctx, "", nil); return err },
		"EnableACL":             func() error { return client.EnableACL(ctx, "") },
		"CreateTokenGenerator":  func() error { return client.CreateTokenGenerator(ctx, "") },
		"GetTokenGenerator":     func() error { _, err := client.GetTokenGenerator(ctx, ""); return err },
		"ReplaceTokenGenerator": func() error { return client.ReplaceTokenGenerator(ctx, "", "g") },
		"DeleteTokenGenerator":  func() error { return client.DeleteTokenGenerator(ctx, "") },
		"CreateTokenSet":        func() error { _, err := client.CreateTokenSet(ctx, "", TokenLifetimes{}); return err },
		"RenewTokenSet":         func() error { _, err := client.RenewTokenSet(ctx, "t1", "", TokenLifetimes{}); return err },
		"IssueAccessToken":      func() error { _, err := client.IssueAccessToken(ctx, "t1", "", 1); return err },
	} {
		if err := call(); err == nil {
			t.Errorf("%s with an empty argument succeeded", name)
		}
	}
}

func TestMock_aclLifecycle(t *testing.T) {
	ctx := context.Background()
	_, client, key := mockWithKey(t, "guarded")

	acl, err := client.GetACL(ctx, key.KeyTag)
	if err != nil || acl.Enabled || acl.AllowedIPs == nil || len(acl.AllowedIPs) != 0 {
		t.Fatalf("new key's ACL = %+v, %v", acl, err)
	}
	ips, err := client.AddAllowedIPs(ctx, key.KeyTag, []string{"10.0.0.1", "10.0.0.2"})
	if err != nil || strings.Join(ips, ",") != "10.0.0.1,10.0.0.2" {
		t.Fatalf("add = %v, %v", ips, err)
	}
	ips, err = client.RemoveAllowedIPs(ctx, key.KeyTag, []string{"10.0.0.1", "10.0.0.9"})
	if err != nil || strings.Join(ips, ",") != "10.0.0.2" {
		t.Fatalf("remove = %v, %v", ips, err)
	}
	if err := client.EnableACL(ctx, key.KeyTag); err != nil {
		t.Fatal(err)
	}
	if ips, err = client.RemoveAllowedIPs(ctx, key.KeyTag, []string{"10.0.0.2"}); err != nil || ips == nil || len(ips) != 0 {
		t.Fatalf("removing the last address = %#v, %v", ips, err)
	}
	if acl, err = client.GetACL(ctx, key.KeyTag); err != nil || !acl.Enabled {
		t.Fatalf("after enable: %+v, %v", acl, err)
	}
	if err := client.DisableACL(ctx, key.KeyTag); err != nil {
		t.Fatal(err)
	}
	if _, err := client.AddAllowedIPs(ctx, key.KeyTag, []string{"10.0.0.0/8"}); err == nil || IsRetryable(err) || !strings.Contains(err.Error(), "ipList") {
		t.Fatalf("a CIDR: %v, want a 400 naming ipList", err)
	}
	if _, err := client.GetACL(ctx, strings.Repeat("0", 64)); !IsNotFound(err) {
		t.Fatalf("unknown key: %v", err)
	}
}

func TestMock_tokenGeneratorAndTokens(t *testing.T) {
	ctx := context.Background()
	_, client, key := mockWithKey(t, "tokens")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	if _, err := client.GetTokenGenerator(ctx, key.KeyTag); !IsNotFound(err) {
		t.Fatalf("no generator yet: %v, want 404", err)
	}
	if _, err := client.CreateTokenSet(ctx, key.KeyTag, TokenLifetimes{AccessTokenHours: 1}); !IsInvalidStatus(err) {
		t.Fatalf("token set without a generator: %v, want 422", err)
	}
	must(client.CreateTokenGenerator(ctx, key.KeyTag))
	if err := client.CreateTokenGenerator(ctx, key.KeyTag); !IsConflict(err) {
		t.Fatalf("a second generator: %v, want 409", err)
	}
	set, err := client.CreateTokenSet(ctx, key.KeyTag, TokenLifetimes{AccessTokenHours: 1, RefreshTokenHours: 0})
	must(err)
	renewed, err := client.RenewTokenSet(ctx, key.KeyTag, set.RefreshToken, TokenLifetimes{AccessTokenHours: 2, RefreshTokenHours: 3})
	must(err)
	access, err := client.IssueAccessToken(ctx, key.KeyTag, renewed.RefreshToken, 0)
	must(err)
	if access == "" || renewed.AccessToken == set.AccessToken {
		t.Fatalf("tokens %+v %+v %q", set, renewed, access)
	}
	g, err := client.GetTokenGenerator(ctx, key.KeyTag)
	must(err)
	if g.Status != GeneratorActive || g.IssuedTokenCount != 3 || g.ID == "" {
		t.Fatalf("generator = %+v", g)
	}

	must(client.ReplaceTokenGenerator(ctx, key.KeyTag, g.ID))
	_, err = client.IssueAccessToken(ctx, key.KeyTag, set.RefreshToken, 1)
	if !IsAuthFailure(err) || !strings.Contains(err.Error(), "token was rejected") || strings.Contains(err.Error(), set.RefreshToken) {
		t.Fatalf("a revoked token: %v", err)
	}
	if apiErr, _ := asAPIError(err); apiErr == nil || !strings.Contains(apiErr.Advice(), "token generator was replaced or deleted") {
		t.Fatalf("advice for a revoked token: %v", err)
	}
	if _, err := client.IssueAccessToken(ctx, key.KeyTag, set.AccessToken, 1); !IsAuthFailure(err) {
		t.Fatalf("an access token where a refresh token is due: %v", err)
	}
	must(client.DeleteTokenGenerator(ctx, key.KeyTag))
	if err := client.DeleteTokenGenerator(ctx, key.KeyTag); !IsNotFound(err) {
		t.Fatalf("deleting twice: %v, want 404", err)
	}
}

// A token request that the key's ACL refuses says so, not the sub account advice of other 403s.
func TestMock_aclRefusalNamesTheACL(t *testing.T) {
	ctx := context.Background()
	mock, client, key := mockWithKey(t, "filtered")
	if err := mock.CreateTokenGenerator(key.KeyTag); err != nil {
		t.Fatal(err)
	}
	set, err := client.CreateTokenSet(ctx, key.KeyTag, TokenLifetimes{AccessTokenHours: 1, RefreshTokenHours: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := mock.AddAllowedIPs(key.KeyTag, "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if err := mock.EnableACL(key.KeyTag); err != nil {
		t.Fatal(err)
	}
	for name, call := range map[string]func() error{
		"create": func() error {
			_, err := client.CreateTokenSet(ctx, key.KeyTag, TokenLifetimes{AccessTokenHours: 1})
			return err
		},
		"renew": func() error {
			_, err := client.RenewTokenSet(ctx, key.KeyTag, set.RefreshToken, TokenLifetimes{AccessTokenHours: 1})
			return err
		},
		"access token": func() error { _, err := client.IssueAccessToken(ctx, key.KeyTag, set.RefreshToken, 1); return err },
	} {
		err := call()
		if !isForbidden(err) || IsRetryable(err) || !strings.Contains(err.Error(), "IP ACL refused this machine's address") ||
			strings.Contains(err.Error(), "sub account") {
			t.Errorf("%s: %v", name, err)
		}
	}
	// signed account calls are not filtered
	if _, err := client.GetTokenGenerator(ctx, key.KeyTag); err != nil {
		t.Fatal(err)
	}
}

// Calls that are not idempotent do not repeat themselves after an answer was lost.
func TestMock_ambiguousGeneratorCalls(t *testing.T) {
	tests := []struct {
		name        string
		setup       func(t *testing.T, mock *kmsmock.Server, tag string)
		fault       kmsmock.Fault
		call        func(c *Client, tag, oldID string) error
		wantErr     string
		wantJournal string
	}{
		{"create, answer lost", nil, kmsmock.Fault{Method: "POST", PathSuffix: "/token-generator", Drop: true},
			func(c *Client, tag, _ string) error { return c.CreateTokenGenerator(context.Background(), tag) }, "",
			"POST /token-generator 200 dropped, POST /token-generator 409"},
		{"delete, answer lost", withGenerator, kmsmock.Fault{Method: "DELETE", PathSuffix: "/token-generator", Drop: true},
			func(c *Client, tag, _ string) error { return c.DeleteTokenGenerator(context.Background(), tag) }, "",
			"DELETE /token-generator 200 dropped, DELETE /token-generator 404"},
		{"replace, answer lost", withGenerator, kmsmock.Fault{Method: "PUT", PathSuffix: "/token-generator", Drop: true},
			func(c *Client, tag, oldID string) error {
				return c.ReplaceTokenGenerator(context.Background(), tag, oldID)
			}, "",
			"PUT /token-generator 200 dropped, GET /token-generator 200"},
		{"replace, 502 without effect", withGenerator, kmsmock.Fault{Method: "PUT", PathSuffix: "/token-generator", Status: 502},
			func(c *Client, tag, oldID string) error {
				return c.ReplaceTokenGenerator(context.Background(), tag, oldID)
			}, "",
			"PUT /token-generator 502, GET /token-generator 200, PUT /token-generator 200"},
		{"replace, answer lost, old id unknown", withGenerator, kmsmock.Fault{Method: "PUT", PathSuffix: "/token-generator", Drop: true},
			func(c *Client, tag, _ string) error { return c.ReplaceTokenGenerator(context.Background(), tag, "") }, "may have been replaced",
			"PUT /token-generator 200 dropped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mock := kmsmock.NewTestServer(t, kmsmock.Options{})
			key := newMockKey(t, mock, kmsmock.KeySpec{Name: "generator"})
			oldID := ""
			if tt.setup != nil {
				tt.setup(t, mock, key.KeyTag)
				g, _ := mock.TokenGenerator(key.KeyTag)
				oldID = g.TokenGeneratorID
			}
			mock.InjectFault(tt.fault)
			client, _ := newMockClient(t, mock)
			err := tt.call(client, key.KeyTag, oldID)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("got %v, want error %q", err, tt.wantErr)
			}
			if got := shortJournal(mock, key.KeyTag); got != tt.wantJournal {
				t.Errorf("journal %q, want %q", got, tt.wantJournal)
			}
		})
	}
}

func withGenerator(t *testing.T, mock *kmsmock.Server, tag string) {
	t.Helper()
	if err := mock.CreateTokenGenerator(tag); err != nil {
		t.Fatal(err)
	}
}

// A token never reaches an error or a log line, even when a server echoes it back.
func TestTokens_neverLoggedNorInErrors(t *testing.T) {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := r.Header.Get("x-ncp-ocapi-token")
		if token == "" || r.Header.Get("x-ncp-apigw-signature-v2") != "" || r.Header.Get("x-ncp-iam-access-key") != "" {
			t.Errorf("token request headers: %v", r.Header)
		}
		w.Header().Set("x-ncp-request-id", token)
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]any{"errorCode": "200", "message": "bad " + token}})
	}))
	t.Cleanup(server.Close)
	var output bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &output)
	client, _ := newTestClient(t, server.URL+"/kms/v1")
	const token = "secret-refresh-token-value"
	_, err := client.IssueAccessToken(ctx, "t1", token, 1)
	if err == nil || strings.Contains(err.Error(), token) || !strings.Contains(err.Error(), "***") {
		t.Errorf("error %v: want the token masked", err)
	}
	if strings.Contains(output.String(), token) || output.Len() == 0 {
		t.Errorf("log: %s", output.String())
	}
}

// mockWithKey starts a mock with one AES key and a client for it.
func mockWithKey(t *testing.T, name string) (*kmsmock.Server, *Client, kmsmock.Key) {
	t.Helper()
	mock := kmsmock.NewTestServer(t, kmsmock.Options{})
	client, _ := newMockClient(t, mock)
	return mock, client, newMockKey(t, mock, kmsmock.KeySpec{Name: name})
}
