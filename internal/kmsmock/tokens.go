package kmsmock

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
)

// Token generator, token sets and access tokens: DESIGN.md §2.26–§2.31a and the choices
// of §10. A key has at most one generator; replacing or deleting it revokes every token it issued.
// Tokens are opaque strings that authorise calls on their own key only, sent as x-ncp-ocapi-token
// instead of the signature headers: a refresh token renews a token set or issues an access token,
// an access token authorises the crypto calls.

const headerToken = "x-ncp-ocapi-token"

// Generator statuses.
const (
	generatorActive   = "ACTIVE"
	generatorInactive = "INACTIVE"
)

// Token kinds.
const (
	accessToken  = "access"
	refreshToken = "refresh"
)

// Token lifetimes in hours (§2.30): 1–17520 or "UL" (unlimited).
const (
	maxTokenHours            = 17520
	defaultAccessTokenHours  = 72
	defaultRefreshTokenHours = 2160
	hourMillis               = 60 * 60 * 1000
	unlimitedHours           = "UL"
)

// generatorRecord is the token generator of one key.
type generatorRecord struct {
	id          string
	enabledDate int64
	issued      int64 // token sets and access tokens issued by this generator
}

// tokenRecord is one issued token.
type tokenRecord struct {
	keyTag    string
	generator string // the generator id that issued it
	kind      string // accessToken or refreshToken
	expires   int64  // Unix ms; 0 = unlimited
}

// TokenGenerator is Get Token Generator's data (§2.27).
type TokenGenerator struct {
	TokenGeneratorID string `json:"tokenGeneratorId"`
	Status           string `json:"status"`
	EnabledDate      int64  `json:"enabledDate"`
	DisabledDate     int64  `json:"disabledDate"`
	IssuedTokenCount int64  `json:"issuedTokenCount"`
}

// tokenGenerator describes the key's generator: ACTIVE while the key is ENABLE, else INACTIVE
// since the key left ENABLE.
func (k *keyRecord) tokenGenerator() TokenGenerator {
	g := TokenGenerator{TokenGeneratorID: k.generator.id, Status: generatorActive, EnabledDate: k.generator.enabledDate,
		IssuedTokenCount: k.generator.issued}
	if k.status != statusEnable {
		g.Status, g.DisabledDate = generatorInactive, max(k.statusDate, k.generator.enabledDate)
	}
	return g
}

func errNoGenerator(tag string) error {
	return &apiError{http.StatusNotFound, codeNotFound, "Token generator not found: " + tag}
}

func newGenerator(now int64) *generatorRecord {
	return &generatorRecord{id: newRequestID(), enabledDate: now}
}

// revokeTokens forgets every token the generator issued. Caller holds mu.
func (s *store) revokeTokens(generatorID string) {
	for value, t := range s.tokens {
		if t.generator == generatorID {
			delete(s.tokens, value)
		}
	}
}

// createGenerator: at most one per key (409 while one exists); any key status.
func (s *store) createGenerator(tag string) error {
	return s.with(tag, func(k *keyRecord, now int64) error {
		if k.generator != nil {
			return &apiError{http.StatusConflict, codeConflict, "The key already has a token generator: " + tag}
		}
		k.generator = newGenerator(now)
		return nil
	})
}

// endGenerator revokes the key's generator and every token it issued; replace puts a new one,
// with a new id, in its place. 404 when the key has none.
func (s *store) endGenerator(tag string, replace bool) error {
	return s.with(tag, func(k *keyRecord, now int64) error {
		if k.generator == nil {
			return errNoGenerator(tag)
		}
		s.revokeTokens(k.generator.id)
		k.generator = nil
		if replace {
			k.generator = newGenerator(now)
		}
		return nil
	})
}

func (s *store) getGenerator(tag string) (TokenGenerator, error) {
	var g TokenGenerator
	err := s.with(tag, func(k *keyRecord, _ int64) error {
		if k.generator == nil {
			return errNoGenerator(tag)
		}
		g = k.tokenGenerator()
		return nil
	})
	return g, err
}

// tokenLifetimes is a checked token request body: hours, 0 for unlimited; refresh < 0 when no
// refresh token is asked for.
type tokenLifetimes struct{ access, refresh int64 }

// issueTokens makes an access token, and a refresh token unless lifetimes.refresh < 0, for a
// request from clientIP. Checks, in order: the key exists (404), the ACL lets clientIP ask (403),
// the key has an ACTIVE generator (422).
func (s *store) issueTokens(tag, clientIP string, lifetimes tokenLifetimes) (access, refresh string, err error) {
	err = s.with(tag, func(k *keyRecord, now int64) error {
		if !k.allows(clientIP) {
			return &apiError{http.StatusForbidden, codeForbidden, "The key's IP ACL does not allow token requests from " + clientIP}
		}
		if k.generator == nil || k.status != statusEnable {
			return &apiError{http.StatusUnprocessableEntity, codeInvalidStatus, "Invalid status: the key has no active token generator"}
		}
		k.generator.issued++
		access = s.newToken(k, accessToken, lifetimes.access, now)
		if lifetimes.refresh >= 0 {
			refresh = s.newToken(k, refreshToken, lifetimes.refresh, now)
		}
		return nil
	})
	return access, refresh, err
}

// newToken stores a token of the key's generator. Caller holds mu.
func (s *store) newToken(k *keyRecord, kind string, hours, now int64) string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	value := base64.RawURLEncoding.EncodeToString(b[:])
	t := &tokenRecord{keyTag: k.tag, generator: k.generator.id, kind: kind}
	if hours > 0 {
		t.expires = now + hours*hourMillis
	}
	s.tokens[value] = t
	return value
}

// checkToken authenticates a token request for the key tag: the token must be known, of the kind
// the call takes, issued for this key by its current generator, and not expired.
func (s *store) checkToken(value, tag, kind string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.settle()
	t := s.tokens[value]
	switch {
	case t == nil:
		return &authError{"unknown or revoked token"}
	case s.byTag[t.keyTag] == nil || s.byTag[t.keyTag].generator == nil || s.byTag[t.keyTag].generator.id != t.generator:
		delete(s.tokens, value)
		return &authError{"revoked token"}
	case t.expires != 0 && now >= t.expires:
		delete(s.tokens, value)
		return &authError{"expired token"}
	case !strings.EqualFold(t.keyTag, tag):
		return &authError{"the token belongs to another key"}
	case t.kind != kind:
		return &authError{"this call takes " + tokenKindName(kind) + ", not " + tokenKindName(t.kind)}
	}
	return nil
}

// tokenKindName is "an access token" or "a refresh token".
func tokenKindName(kind string) string {
	if kind == accessToken {
		return "an access token"
	}
	return "a refresh token"
}

// parseTokenHours reads one lifetime: absent or null gives fallback, "UL" unlimited (0), else an
// integer from 1 to 17520.
func parseTokenHours(field string, raw json.RawMessage, fallback int64) (int64, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return fallback, nil
	}
	var text string
	if json.Unmarshal(raw, &text) == nil && text == unlimitedHours {
		return 0, nil
	}
	var hours int64
	if err := json.Unmarshal(raw, &hours); err != nil || hours < 1 || hours > maxTokenHours {
		return 0, errInvalidField(field, "must be an integer from 1 to %d or %q, got %s", maxTokenHours, unlimitedHours, raw)
	}
	return hours, nil
}

// decodeLifetimes reads a token request body; an empty body asks for the defaults. withRefresh is
// false for an access token alone.
func decodeLifetimes(r *http.Request, withRefresh bool) (tokenLifetimes, error) {
	var body struct {
		AccessTokenHours  json.RawMessage `json:"accessTokenHours"`
		RefreshTokenHours json.RawMessage `json:"refreshTokenHours"`
	}
	if err := decodeOptionalBody(r, &body); err != nil {
		return tokenLifetimes{}, err
	}
	var err error
	lifetimes := tokenLifetimes{refresh: -1}
	if lifetimes.access, err = parseTokenHours("accessTokenHours", body.AccessTokenHours, defaultAccessTokenHours); err != nil {
		return lifetimes, err
	}
	if withRefresh {
		if lifetimes.refresh, err = parseTokenHours("refreshTokenHours", body.RefreshTokenHours, defaultRefreshTokenHours); err != nil {
			return lifetimes, err
		}
	}
	return lifetimes, nil
}

// tokenSet answers a token set; an access token alone is answered without refreshToken.
type tokenSet struct {
	RefreshToken string `json:"refreshToken,omitempty"`
	AccessToken  string `json:"accessToken"`
}

// issue answers POST /token-set (account auth) and PUT /token-set (refresh token) with a token
// set, and POST /access-token (refresh token) with an access token alone.
func issue(withRefresh bool) keyHandler {
	return func(s *Server, r *http.Request, tag string) apiResponse {
		lifetimes, err := decodeLifetimes(r, withRefresh)
		if err != nil {
			return failure(err)
		}
		access, refresh, err := s.store.issueTokens(tag, clientIP(r), lifetimes)
		if err != nil {
			return failure(err)
		}
		return success(tokenSet{RefreshToken: refresh, AccessToken: access})
	}
}

func (s *Server) createTokenGenerator(_ *http.Request, tag string) apiResponse {
	return answerNull(s.store.createGenerator(tag))
}

func (s *Server) getTokenGenerator(_ *http.Request, tag string) apiResponse {
	g, err := s.store.getGenerator(tag)
	if err != nil {
		return failure(err)
	}
	return success(g)
}

func (s *Server) replaceTokenGenerator(_ *http.Request, tag string) apiResponse {
	return answerNull(s.store.endGenerator(tag, true))
}

func (s *Server) deleteTokenGenerator(_ *http.Request, tag string) apiResponse {
	return answerNull(s.store.endGenerator(tag, false))
}

// answerNull is the answer of a call whose success has data null.
func answerNull(err error) apiResponse {
	if err != nil {
		return failure(err)
	}
	return success(nil)
}

// tokenRoute is a call that takes a token instead of the signature headers.
type tokenRoute struct {
	kind   string // the token kind it takes
	handle keyHandler
}

// tokenRoutes serve /kms/v1/keys/{tag}/{action} with x-ncp-ocapi-token, by action, then method.
// The crypto calls, which take an access token, join them from cryptoRoutes (crypto.go).
var tokenRoutes = map[string]map[string]tokenRoute{
	"token-set":    {http.MethodPut: {refreshToken, issue(true)}},
	"access-token": {http.MethodPost: {refreshToken, issue(false)}},
}

// isTokenRequest: token auth is a token header without any signature header.
func isTokenRequest(r *http.Request) bool {
	return r.Header.Get(headerToken) != "" && r.Header.Get(headerTimestamp) == "" &&
		r.Header.Get(headerAccessKey) == "" && r.Header.Get(headerSignature) == ""
}

// dispatchToken authenticates and answers a token request. A path that takes no token, or a bad
// token, gets the gateway's 401.
func (s *Server) dispatchToken(r *http.Request) apiResponse {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, apiPrefix+"/"), "/")
	if len(parts) != 3 || parts[0] != "keys" || parts[1] == "" {
		return failure(&authError{"x-ncp-ocapi-token is not accepted for " + r.Method + " " + r.URL.Path})
	}
	route, ok := tokenRoutes[parts[2]][r.Method]
	if !ok {
		return failure(&authError{"x-ncp-ocapi-token is not accepted for " + r.Method + " " + r.URL.Path})
	}
	if err := s.store.checkToken(r.Header.Get(headerToken), parts[1], route.kind); err != nil {
		return failure(err)
	}
	return route.handle(s, r, parts[1])
}
