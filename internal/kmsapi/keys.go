package kmsapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// listPageSize is the largest page Get Key List allows, to keep the number of calls low.
const listPageSize = 200

// maxListPages stops a misbehaving server from keeping ListKeys in a loop.
const maxListPages = 10000

// StatusChange is the answer of enable, disable, request-deletion and cancel-deletion.
type StatusChange struct {
	KeyTag     string `json:"keyTag"`
	Status     string `json:"status"`
	StatusDate int64  `json:"statusDate"`
}

// RotationInfo is the answer of enable-auto-rotation and rotation-period.
type RotationInfo struct {
	KeyTag           string `json:"keyTag"`
	IsAutoRotation   bool   `json:"isAutoRotation"`
	RotationPeriod   int64  `json:"rotationPeriod"`
	NextRotationDate int64  `json:"nextRotationDate"`
}

// keyListPage is the data of Get Key List. encoding/json matches names case-insensitively, so
// the "KeyList" spelling of the current docs lands in KeyList as well.
type keyListPage struct {
	KeyList       []Key `json:"keyList"`
	CurrentPageNo int   `json:"currentPageNo"`
	TotalPageNo   int   `json:"totalPageNo"`
	TotalCount    int   `json:"totalCount"`
}

var errEmptyKeyTag = errors.New("NCloud KMS client: the key tag is empty")

// keyPath is the escaped path of a key, with optional sub-resources, e.g. /keys/{tag}/enable.
func keyPath(keyTag string, subPath ...string) string {
	path := "/keys/" + url.PathEscape(keyTag)
	for _, part := range subPath {
		path += "/" + part
	}
	return path
}

// CreateKey creates a key and returns the create answer's data (no nrn or currentVersion; read
// the key for those). When the outcome of an attempt is unknown (the connection broke after
// sending, or a 5xx came back) the request is never blindly repeated: the key name is looked up
// first, and an ENABLE key of that name is returned as the created key.
func (c *Client) CreateKey(ctx context.Context, in CreateKeyInput) (*Key, error) {
	if !in.IsAutoRotation {
		in.RotationPeriod = 0 // the API accepts a period only with auto-rotation on
	}
	r, err := newRequest(http.MethodPost, "/keys", in)
	if err != nil {
		return nil, err
	}
	var adopted *Key
	mayExist := false // an attempt may have created the key and no lookup has settled it since
	hook := func(ctx context.Context, failure *APIError) (bool, error) {
		if !failure.mayHaveBeenApplied() {
			return false, nil
		}
		mayExist = true
		key, lookupErr := c.findEnabledKey(ctx, in.KeyName)
		if lookupErr != nil {
			return false, nil //nolint:nilerr // a failed lookup is not the call's error: a later attempt answers 409 if the key exists, handled below
		}
		mayExist = false
		if key != nil {
			adopted = key
			return true, nil
		}
		return false, nil
	}
	var created Key
	err = c.callWithHook(ctx, r, &created, hook)
	switch {
	case adopted != nil:
		return adopted, nil
	case err == nil:
		return &created, nil
	}
	apiErr, _ := asAPIError(err)
	if apiErr != nil && apiErr.earlierAmbiguous && IsConflict(err) {
		// Our own earlier attempt may be the key that now conflicts.
		if key, lookupErr := c.findEnabledKey(ctx, in.KeyName); lookupErr == nil && key != nil {
			return key, nil
		}
	}
	if apiErr != nil && mayExist {
		note := fmt.Sprintf("the key %q may have been created although this call failed: "+
			"look it up by name before creating it again", in.KeyName)
		apiErr.addNote(note)
	}
	return nil, err
}

// findEnabledKey returns the ENABLE key of that name, or nil.
func (c *Client) findEnabledKey(ctx context.Context, name string) (*Key, error) {
	key, err := c.FindKeyByName(ctx, name)
	if err != nil || key == nil || key.Status != StatusEnable {
		return nil, err
	}
	return key, nil
}

// GetKey returns every field of a key.
func (c *Client) GetKey(ctx context.Context, keyTag string) (*Key, error) {
	return get[Key](ctx, c, keyTag)
}

// get reads a key (no subPath) or one of its sub-resources into a new T.
func get[T any](ctx context.Context, c *Client, keyTag string, subPath ...string) (*T, error) {
	if keyTag == "" {
		return nil, errEmptyKeyTag
	}
	var out T
	if err := c.call(ctx, &request{method: http.MethodGet, path: keyPath(keyTag, subPath...)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListKeys returns every key, page by page, in the server's order. A key seen twice (because
// the list shifted between pages) is kept once.
func (c *Client) ListKeys(ctx context.Context) ([]Key, error) {
	var keys []Key
	err := c.WalkKeys(ctx, func(key Key) bool {
		keys = append(keys, key)
		return true
	})
	if err != nil {
		return nil, err
	}
	return keys, nil
}

// WalkKeys hands every key to visit, page by page, in the server's order, each key once. When
// visit returns false it stops and asks for no further page, so that a caller that needs a few
// keys reads only the pages that hold them.
func (c *Client) WalkKeys(ctx context.Context, visit func(Key) bool) error {
	seen := make(map[string]bool)
	for pageNo := 1; pageNo <= maxListPages; pageNo++ {
		r := &request{
			method: http.MethodGet,
			path:   "/keys",
			query:  fmt.Sprintf("pageNo=%d&pageSize=%d", pageNo, listPageSize),
		}
		var page keyListPage
		if err := c.call(ctx, r, &page); err != nil {
			return err
		}
		for _, key := range page.KeyList {
			if key.KeyTag != "" && seen[key.KeyTag] {
				continue
			}
			seen[key.KeyTag] = true
			if !visit(key) {
				return nil
			}
		}
		if isLastPage(len(page.KeyList), page.CurrentPageNo, page.TotalPageNo, pageNo, listPageSize) {
			return nil
		}
	}
	return nil
}

// isLastPage decides from the paging fields, or from a short page when the server sends none.
func isLastPage(items, currentPageNo, totalPageNo, pageNo, pageSize int) bool {
	if items == 0 {
		return true
	}
	if totalPageNo > 0 {
		return max(currentPageNo, pageNo) >= totalPageNo
	}
	return items < pageSize
}

// FindKeyByName returns the key whose name matches case-insensitively (the API's uniqueness
// rule), or (nil, nil) when there is none.
func (c *Client) FindKeyByName(ctx context.Context, name string) (*Key, error) {
	keys, err := c.ListKeys(ctx)
	if err != nil {
		return nil, err
	}
	for i := range keys {
		if strings.EqualFold(keys[i].KeyName, name) {
			return &keys[i], nil
		}
	}
	return nil, nil
}

// RenameKey changes the key's name; the key tag stays the same.
func (c *Client) RenameKey(ctx context.Context, keyTag, name string) error {
	return c.put(ctx, keyTag, "name", map[string]string{"keyName": name}, nil)
}

// UpdateMemo replaces the key's memo; an empty memo clears it.
func (c *Client) UpdateMemo(ctx context.Context, keyTag, memo string) error {
	return c.put(ctx, keyTag, "memo", map[string]string{"memo": memo}, nil)
}

// EnableKey moves a DISABLE key to ENABLE.
func (c *Client) EnableKey(ctx context.Context, keyTag string) (*StatusChange, error) {
	return c.changeStatus(ctx, keyTag, "enable", StatusEnable)
}

// DisableKey moves an ENABLE key to DISABLE.
func (c *Client) DisableKey(ctx context.Context, keyTag string) (*StatusChange, error) {
	return c.changeStatus(ctx, keyTag, "disable", StatusDisable)
}

// EnableAutoRotation turns automatic rotation on with the key's last period.
func (c *Client) EnableAutoRotation(ctx context.Context, keyTag string) (*RotationInfo, error) {
	var info RotationInfo
	if err := c.post(ctx, keyTag, "enable-auto-rotation", &info); err != nil {
		return nil, err
	}
	return &info, nil
}

// DisableAutoRotation turns automatic rotation off.
func (c *Client) DisableAutoRotation(ctx context.Context, keyTag string) error {
	return c.post(ctx, keyTag, "disable-auto-rotation", nil)
}

// SetRotationPeriod sets the automatic rotation period in days; auto-rotation must be on.
func (c *Client) SetRotationPeriod(ctx context.Context, keyTag string, days int64) (*RotationInfo, error) {
	var info RotationInfo
	if err := c.put(ctx, keyTag, "rotation-period", map[string]int64{"rotationPeriod": days}, &info); err != nil {
		return nil, err
	}
	return &info, nil
}

// RequestDeletion schedules the key's deletion (status REVOKE, gone 72 hours later).
func (c *Client) RequestDeletion(ctx context.Context, keyTag string) (*StatusChange, error) {
	return c.changeStatus(ctx, keyTag, "request-deletion", StatusRevoke)
}

// CancelDeletion takes a REVOKE key back to DISABLE.
func (c *Client) CancelDeletion(ctx context.Context, keyTag string) (*StatusChange, error) {
	return c.changeStatus(ctx, keyTag, "cancel-deletion", StatusDisable)
}

// DeleteKey deletes a REVOKE key at once and for ever. When an earlier attempt's outcome was
// unknown and the retry finds the key gone, that earlier attempt did it: success.
func (c *Client) DeleteKey(ctx context.Context, keyTag string) error {
	if keyTag == "" {
		return errEmptyKeyTag
	}
	err := c.call(ctx, &request{method: http.MethodDelete, path: keyPath(keyTag)}, nil)
	if err != nil && IsNotFound(err) && earlierAttemptAmbiguous(err) {
		return nil
	}
	return err
}

// changeStatus posts a status action. A retry that is refused as "invalid status" after an
// attempt with unknown outcome is checked against the key: if it already has the wanted status,
// the earlier attempt succeeded.
func (c *Client) changeStatus(ctx context.Context, keyTag, action, wantStatus string) (*StatusChange, error) {
	var change StatusChange
	err := c.post(ctx, keyTag, action, &change)
	if err == nil {
		return &change, nil
	}
	if IsInvalidStatus(err) && earlierAttemptAmbiguous(err) {
		if key, getErr := c.GetKey(ctx, keyTag); getErr == nil && key.Status == wantStatus {
			// The real status date is not in Get Key Info; now is within one retry of it.
			return &StatusChange{KeyTag: key.KeyTag, Status: key.Status, StatusDate: c.cfg.Now().UnixMilli()}, nil
		}
	}
	return nil, err
}

func earlierAttemptAmbiguous(err error) bool {
	apiErr, ok := asAPIError(err)
	return ok && apiErr.earlierAmbiguous
}

// post sends a body-less POST to a key's sub-resource.
func (c *Client) post(ctx context.Context, keyTag, action string, out any) error {
	if keyTag == "" {
		return errEmptyKeyTag
	}
	return c.call(ctx, &request{method: http.MethodPost, path: keyPath(keyTag, action)}, out)
}

// put sends a JSON body to a key's sub-resource.
func (c *Client) put(ctx context.Context, keyTag, field string, body, out any) error {
	if keyTag == "" {
		return errEmptyKeyTag
	}
	r, err := newRequest(http.MethodPut, keyPath(keyTag, field), body)
	if err != nil {
		return err
	}
	return c.call(ctx, r, out)
}
