package kmsapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
)

// Rotation is the answer of Rotate Key: the new current version.
type Rotation struct {
	KeyTag      string `json:"keyTag"`
	Version     int64  `json:"version"`
	RotatedDate int64  `json:"rotatedDate"`
}

// KeyVersion is one version of a key. Status is ENABLE or DISABLE; data encrypted under a
// disabled version cannot be decrypted until it is enabled again.
type KeyVersion struct {
	Version     int64  `json:"version"`
	Status      string `json:"status"`
	StatusDate  int64  `json:"statusDate"`
	RotatedDate int64  `json:"rotatedDate"`
}

// KeyVersions is the answer of Get Key Version List, versions in the server's order (by version).
type KeyVersions struct {
	KeyTag         string       `json:"keyTag"`
	CurrentVersion int64        `json:"currentVersion"`
	Versions       []KeyVersion `json:"versionList"`
}

// VersionStatus is the answer of Enable and Disable Key Version.
type VersionStatus struct {
	Version    int64  `json:"version"`
	Status     string `json:"status"`
	StatusDate int64  `json:"statusDate"`
}

// Rotate makes a new version of an ENABLE key the current one. fromVersion is the current version
// the caller last saw: a rotation is not idempotent, so after an attempt whose outcome is unknown
// (the connection broke after sending, or a 5xx came back) the client reads the version list
// instead of rotating again, and a current version past fromVersion is that attempt's rotation.
// With fromVersion 0 such a failure is returned at once, with a note to check the versions.
func (c *Client) Rotate(ctx context.Context, keyTag string, fromVersion int64) (*Rotation, error) {
	if keyTag == "" {
		return nil, errEmptyKeyTag
	}
	var adopted *Rotation
	hook := func(ctx context.Context, failure *APIError) (bool, error) {
		if !failure.mayHaveBeenApplied() {
			return false, nil
		}
		if fromVersion <= 0 {
			failure.addNote("the key may have been rotated although this call failed: read its versions before rotating it again")
			return true, failure
		}
		versions, err := c.ListVersions(ctx, keyTag)
		if err != nil {
			failure.addNote(fmt.Sprintf("the key may have been rotated although this call failed, and reading its versions failed too (%v): "+
				"read them before rotating it again", err))
			return true, failure
		}
		if versions.CurrentVersion > fromVersion {
			adopted = versions.rotation()
			return true, nil
		}
		return false, nil
	}
	var rotated Rotation
	err := c.callWithHook(ctx, &request{method: http.MethodPost, path: keyPath(keyTag, "rotate")}, &rotated, hook)
	switch {
	case adopted != nil:
		return adopted, nil
	case err != nil:
		return nil, err
	}
	return &rotated, nil
}

// rotation describes the current version as the answer of the rotation that made it.
func (v *KeyVersions) rotation() *Rotation {
	r := &Rotation{KeyTag: v.KeyTag, Version: v.CurrentVersion}
	for _, version := range v.Versions {
		if version.Version == v.CurrentVersion {
			r.RotatedDate = version.RotatedDate
		}
	}
	return r
}

// ListVersions returns every version of a key and which one is current.
func (c *Client) ListVersions(ctx context.Context, keyTag string) (*KeyVersions, error) {
	return get[KeyVersions](ctx, c, keyTag, "versions")
}

// EnableVersion enables one version of an ENABLE key (enabling an enabled version changes nothing).
func (c *Client) EnableVersion(ctx context.Context, keyTag string, version int64) (*VersionStatus, error) {
	return c.setVersionStatus(ctx, keyTag, version, "enable")
}

// DisableVersion disables one version of an ENABLE key; the current version cannot be disabled.
func (c *Client) DisableVersion(ctx context.Context, keyTag string, version int64) (*VersionStatus, error) {
	return c.setVersionStatus(ctx, keyTag, version, "disable")
}

func (c *Client) setVersionStatus(ctx context.Context, keyTag string, version int64, action string) (*VersionStatus, error) {
	var status VersionStatus
	if err := c.post(ctx, keyTag, "versions/"+strconv.FormatInt(version, 10)+"/"+action, &status); err != nil {
		return nil, err
	}
	return &status, nil
}
