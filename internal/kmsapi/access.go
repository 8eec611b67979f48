package kmsapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
)

// Who may use a key: the IP ACL (DESIGN.md §2.21–§2.25), the token generator
// (§2.26–§2.29) and tokens (§2.30–§2.31a).

// ACL is a key's IP ACL: while Enabled, only AllowedIPs may request token sets and access tokens.
type ACL struct {
	KeyTag     string   `json:"keyTag"`
	Enabled    bool     `json:"isAclEnabled"`
	AllowedIPs []string `json:"allowedIpList"`
}

// Token generator statuses: ACTIVE while the key is ENABLE.
const (
	GeneratorActive   = "ACTIVE"
	GeneratorInactive = "INACTIVE"
)

// TokenGenerator is Get Token Generator's answer. Times are Unix epoch milliseconds; zero means
// absent.
type TokenGenerator struct {
	ID               string `json:"tokenGeneratorId"`
	Status           string `json:"status"`
	EnabledDate      int64  `json:"enabledDate"`
	DisabledDate     int64  `json:"disabledDate"`
	IssuedTokenCount int64  `json:"issuedTokenCount"`
}

// TokenSet is a refresh token and an access token. Both are secrets.
type TokenSet struct {
	RefreshToken string `json:"refreshToken"`
	AccessToken  string `json:"accessToken"`
}

// TokenHours is a token lifetime in hours, 1–17520; 0 asks for an unlimited token ("UL").
type TokenHours int

// MarshalJSON writes 0 as "UL", any other value as a number.
func (h TokenHours) MarshalJSON() ([]byte, error) {
	if h == 0 {
		return []byte(`"UL"`), nil
	}
	return []byte(strconv.Itoa(int(h))), nil
}

// TokenLifetimes is the body of a token set request.
type TokenLifetimes struct {
	AccessTokenHours  TokenHours `json:"accessTokenHours"`
	RefreshTokenHours TokenHours `json:"refreshTokenHours"`
}

// GetACL returns the key's IP ACL.
func (c *Client) GetACL(ctx context.Context, keyTag string) (*ACL, error) {
	return get[ACL](ctx, c, keyTag, "acl")
}

// AddAllowedIPs adds IPv4 addresses to the key's allow list (listed ones stay) and returns the list.
func (c *Client) AddAllowedIPs(ctx context.Context, keyTag string, ips []string) ([]string, error) {
	return c.changeAllowedIPs(ctx, keyTag, http.MethodPost, ips)
}

// RemoveAllowedIPs removes addresses from the key's allow list (unlisted ones are ignored) and
// returns the list. The API takes the addresses as a JSON body on DELETE.
func (c *Client) RemoveAllowedIPs(ctx context.Context, keyTag string, ips []string) ([]string, error) {
	return c.changeAllowedIPs(ctx, keyTag, http.MethodDelete, ips)
}

func (c *Client) changeAllowedIPs(ctx context.Context, keyTag, method string, ips []string) ([]string, error) {
	if keyTag == "" {
		return nil, errEmptyKeyTag
	}
	if ips == nil {
		ips = []string{} // the field is required: never send null
	}
	r, err := newRequest(method, keyPath(keyTag, "acl"), map[string][]string{"ipList": ips})
	if err != nil {
		return nil, err
	}
	var answer ACL
	if err := c.call(ctx, r, &answer); err != nil {
		return nil, err
	}
	if answer.AllowedIPs == nil {
		answer.AllowedIPs = []string{}
	}
	return answer.AllowedIPs, nil
}

// EnableACL turns the key's IP ACL on: from then on only listed addresses get tokens.
func (c *Client) EnableACL(ctx context.Context, keyTag string) error {
	return c.post(ctx, keyTag, "acl/enable", nil)
}

// DisableACL turns the key's IP ACL off.
func (c *Client) DisableACL(ctx context.Context, keyTag string) error {
	return c.post(ctx, keyTag, "acl/disable", nil)
}

// CreateTokenGenerator gives the key a token generator. When an earlier attempt's outcome was
// unknown and the retry is refused because the key has one, that attempt made it: success.
func (c *Client) CreateTokenGenerator(ctx context.Context, keyTag string) error {
	err := c.post(ctx, keyTag, "token-generator", nil)
	if err != nil && IsConflict(err) && earlierAttemptAmbiguous(err) {
		return nil
	}
	return err
}

// GetTokenGenerator returns the key's token generator; a key without one gives a NotFound error.
func (c *Client) GetTokenGenerator(ctx context.Context, keyTag string) (*TokenGenerator, error) {
	return get[TokenGenerator](ctx, c, keyTag, "token-generator")
}

// ReplaceTokenGenerator gives the key a new generator, which revokes every token the old one
// issued. oldID is the id of the generator being replaced: after an attempt whose outcome is
// unknown the client reads the generator instead of replacing it again, and another id means that
// attempt did it. With oldID "" such a failure is returned at once, with a note.
func (c *Client) ReplaceTokenGenerator(ctx context.Context, keyTag, oldID string) error {
	if keyTag == "" {
		return errEmptyKeyTag
	}
	replaced := false
	hook := func(ctx context.Context, failure *APIError) (bool, error) {
		if !failure.mayHaveBeenApplied() {
			return false, nil
		}
		if oldID == "" {
			failure.addNote("the token generator may have been replaced although this call failed: read it before replacing it again")
			return true, failure
		}
		g, err := c.GetTokenGenerator(ctx, keyTag)
		if err != nil {
			failure.addNote("the token generator may have been replaced although this call failed, and reading it failed too (" +
				err.Error() + "): read it before replacing it again")
			return true, failure
		}
		if g.ID != oldID {
			replaced = true
			return true, nil
		}
		return false, nil
	}
	err := c.callWithHook(ctx, &request{method: http.MethodPut, path: keyPath(keyTag, "token-generator")}, nil, hook)
	if replaced {
		return nil
	}
	return err
}

// DeleteTokenGenerator removes the key's generator and revokes every token it issued. When an
// earlier attempt's outcome was unknown and the retry finds no generator, that attempt did it.
func (c *Client) DeleteTokenGenerator(ctx context.Context, keyTag string) error {
	if keyTag == "" {
		return errEmptyKeyTag
	}
	err := c.call(ctx, &request{method: http.MethodDelete, path: keyPath(keyTag, "token-generator")}, nil)
	if err != nil && IsNotFound(err) && earlierAttemptAmbiguous(err) {
		return nil
	}
	return err
}

// CreateTokenSet issues a refresh token and an access token for the key (account auth). The key
// needs an active generator; while its IP ACL is on, this machine's address must be listed.
func (c *Client) CreateTokenSet(ctx context.Context, keyTag string, lifetimes TokenLifetimes) (*TokenSet, error) {
	return c.tokenSet(ctx, keyTag, http.MethodPost, "", lifetimes)
}

// RenewTokenSet issues a new token set with a refresh token instead of the account's signature;
// the tokens issued before stay valid.
func (c *Client) RenewTokenSet(ctx context.Context, keyTag, refreshToken string, lifetimes TokenLifetimes) (*TokenSet, error) {
	if refreshToken == "" {
		return nil, errEmptyToken
	}
	return c.tokenSet(ctx, keyTag, http.MethodPut, refreshToken, lifetimes)
}

func (c *Client) tokenSet(ctx context.Context, keyTag, method, token string, lifetimes TokenLifetimes) (*TokenSet, error) {
	var set TokenSet
	if err := c.tokenRequest(ctx, keyTag, method, "token-set", token, lifetimes, &set); err != nil {
		return nil, err
	}
	return &set, nil
}

// IssueAccessToken issues an access token with a refresh token instead of the account's signature.
func (c *Client) IssueAccessToken(ctx context.Context, keyTag, refreshToken string, hours TokenHours) (string, error) {
	if refreshToken == "" {
		return "", errEmptyToken
	}
	var answer struct {
		AccessToken string `json:"accessToken"`
	}
	body := struct {
		AccessTokenHours TokenHours `json:"accessTokenHours"`
	}{hours}
	if err := c.tokenRequest(ctx, keyTag, http.MethodPost, "access-token", refreshToken, body, &answer); err != nil {
		return "", err
	}
	return answer.AccessToken, nil
}

var errEmptyToken = errors.New("NCloud KMS client: the refresh token is empty")

// tokenRequest sends a request that the key's IP ACL filters, signed, or with token when set.
func (c *Client) tokenRequest(ctx context.Context, keyTag, method, action, token string, body, out any) error {
	if keyTag == "" {
		return errEmptyKeyTag
	}
	r, err := newRequest(method, keyPath(keyTag, action), body)
	if err != nil {
		return err
	}
	r.token, r.aclFiltered = token, true
	return c.call(ctx, r, out)
}

var _ json.Marshaler = TokenHours(0)
