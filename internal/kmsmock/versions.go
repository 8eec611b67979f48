package kmsmock

import (
	"fmt"
	"net/http"
	"strconv"
)

// Key versions and rotation: DESIGN.md §2.8, §2.12–§2.14 and the choices of §10.

// versionRecord is one version of a key. Versions are never removed; only their status changes.
type versionRecord struct {
	status      string // statusEnable or statusDisable
	statusDate  int64
	rotatedDate int64          // version 1: the key's registerDate
	secret      *versionSecret // the version's own key material; never changes
}

// newVersion is a new enabled version of a key of keyType, made at, with fresh key material.
func newVersion(keyType string, at int64) versionRecord {
	return versionRecord{status: statusEnable, statusDate: at, rotatedDate: at, secret: newVersionSecret(keyType)}
}

// KeyVersion is one item of Get Key Version List (§2.12).
type KeyVersion struct {
	Version     int64  `json:"version"`
	Status      string `json:"status"`
	StatusDate  int64  `json:"statusDate"`
	RotatedDate int64  `json:"rotatedDate"`
}

// keyVersions is the data of Get Key Version List.
type keyVersions struct {
	KeyTag         string       `json:"keyTag"`
	CurrentVersion int64        `json:"currentVersion"`
	VersionList    []KeyVersion `json:"versionList"`
}

// rotation is the data of Rotate Key (§2.8).
type rotation struct {
	KeyTag      string `json:"keyTag"`
	Version     int64  `json:"version"`
	RotatedDate int64  `json:"rotatedDate"`
}

// versionChange is the data of Enable and Disable Key Version (§2.13, §2.14).
type versionChange struct {
	Version    int64  `json:"version"`
	Status     string `json:"status"`
	StatusDate int64  `json:"statusDate"`
}

func (k *keyRecord) currentVersion() int64 { return int64(len(k.versions)) }

// version returns version n (1-based), which the caller has checked exists.
func (k *keyRecord) version(n int64) KeyVersion {
	v := k.versions[n-1]
	return KeyVersion{Version: n, Status: v.status, StatusDate: v.statusDate, RotatedDate: v.rotatedDate}
}

func (k *keyRecord) versionList() []KeyVersion {
	list := make([]KeyVersion, len(k.versions))
	for i := range k.versions {
		list[i] = k.version(int64(i + 1))
	}
	return list
}

// addVersion makes a new enabled version, rotated at, the current one; false once the key has
// maxKeyVersions versions.
func (k *keyRecord) addVersion(at int64) bool {
	if len(k.versions) >= maxKeyVersions {
		return false
	}
	k.versions = append(k.versions, newVersion(k.keyType, at))
	return true
}

// rotateDue adds the versions automatic rotation made up to now, one per elapsed period, each
// rotated at its due time and logged as a SYSTEM use. A key pending deletion does not rotate; a
// disabled one does (§3). At the version cap the schedule moves on without new versions.
func (k *keyRecord) rotateDue(now int64) {
	if !k.autoRotation || k.status == statusRevoke || k.nextRotation == 0 || now < k.nextRotation {
		return
	}
	step := k.period * dayMillis
	for k.nextRotation <= now && k.addVersion(k.nextRotation) {
		k.recordUse(k.systemRotation(k.nextRotation))
		k.nextRotation += step
	}
	if k.nextRotation <= now { // capped: skip the remaining periods at once
		k.nextRotation += ((now-k.nextRotation)/step + 1) * step
	}
}

// errVersionCap refuses a rotation of a key that has every version it may have.
func errVersionCap() error {
	return &apiError{http.StatusUnprocessableEntity, codeInvalidStatus, fmt.Sprintf("Invalid status: the key already has %d versions", maxKeyVersions)}
}

func errVersionNotFound(tag string, version int64) error {
	return &apiError{http.StatusNotFound, codeNotFound, fmt.Sprintf("Key version not found: %s version %d", tag, version)}
}

// rotate is a manual rotation: an ENABLE key only; not a use, and the automatic schedule stays.
func (s *store) rotate(tag string) (keyRecord, error) {
	return s.update(tag, func(k *keyRecord, now int64) error {
		if err := requireStatus(k, statusEnable); err != nil {
			return err
		}
		if !k.addVersion(now) {
			return errVersionCap()
		}
		return nil
	})
}

// setVersionStatus enables or disables one version. Checks, in order: the version exists (404),
// the key is ENABLE (422 while DISABLE or REVOKE), the current version is not being disabled
// (422). Setting the status a version already has succeeds and changes nothing.
func (s *store) setVersionStatus(tag string, version int64, status string) (keyRecord, error) {
	return s.update(tag, func(k *keyRecord, now int64) error {
		if version > k.currentVersion() {
			return errVersionNotFound(tag, version)
		}
		if err := requireStatus(k, statusEnable); err != nil {
			return err
		}
		if status == statusDisable && version == k.currentVersion() {
			return &apiError{http.StatusUnprocessableEntity, codeInvalidStatus, "Invalid status: the current version cannot be disabled"}
		}
		if v := &k.versions[version-1]; v.status != status {
			v.status, v.statusDate = status, now
		}
		return nil
	})
}

// parseVersion reads the {version} path segment: an integer from 1 to 100.
func parseVersion(raw string) (int64, error) {
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < 1 || n > maxKeyVersions {
		return 0, errInvalidField("version", "must be an integer from 1 to %d, got %q", maxKeyVersions, raw)
	}
	return n, nil
}

func (s *Server) rotateKey(_ *http.Request, tag string) apiResponse {
	k, err := s.store.rotate(tag)
	if err != nil {
		return failure(err)
	}
	v := k.version(k.currentVersion())
	return success(rotation{KeyTag: k.tag, Version: v.Version, RotatedDate: v.RotatedDate})
}

func (s *Server) listVersions(_ *http.Request, tag string) apiResponse {
	k, err := s.store.get(tag)
	if err != nil {
		return failure(err)
	}
	return success(keyVersions{KeyTag: k.tag, CurrentVersion: k.currentVersion(), VersionList: k.versionList()})
}

// versionAction answers POST /keys/{tag}/versions/{version}/enable|disable.
func versionAction(status string) keyHandler {
	return func(s *Server, r *http.Request, tag string) apiResponse {
		version, err := parseVersion(r.PathValue("version"))
		if err != nil {
			return failure(err)
		}
		k, err := s.store.setVersionStatus(tag, version, status)
		if err != nil {
			return failure(err)
		}
		v := k.version(version)
		return success(versionChange{Version: v.Version, Status: v.Status, StatusDate: v.StatusDate})
	}
}
