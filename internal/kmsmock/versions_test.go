package kmsmock

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func versionsOf(t *testing.T, c *testClient, tag string) keyVersions {
	t.Helper()
	return fetch[keyVersions](t, c, "/kms/v1/keys/"+tag+"/versions")
}

func TestRotateAnswerAndEffects(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "manual", RotationDays: 30})
	c.server.AdvanceClock(time.Hour)

	got := c.call("POST", "/kms/v1/keys/"+k.KeyTag+"/rotate", nil)
	sameFields(t, "rotate", got.fieldNames(t), "keyTag", "version", "rotatedDate")
	var r rotation
	got.data(t, &r)
	now := c.server.Now().UnixMilli()
	if r.KeyTag != k.KeyTag || r.Version != 2 || r.RotatedDate > now || r.RotatedDate < now-1000 {
		t.Fatalf("rotate = %+v, want version 2 rotated now (%d)", r, now)
	}
	after, _ := c.server.Key(k.KeyTag)
	if after.CurrentVersion != 2 {
		t.Fatalf("currentVersion after rotate = %d, want 2", after.CurrentVersion)
	}
	// a manual rotation is not a use and leaves the automatic schedule alone (§10)
	if after.NextRotationDate != k.NextRotationDate {
		t.Fatalf("nextRotationDate moved from %d to %d", k.NextRotationDate, after.NextRotationDate)
	}
	if uses, _ := c.server.Uses(k.KeyTag); len(uses) != 0 {
		t.Fatalf("a manual rotation was logged as a use: %+v", uses)
	}
	v := versionsOf(t, c, k.KeyTag)
	if v.CurrentVersion != 2 || len(v.VersionList) != 2 || v.VersionList[1] != (KeyVersion{2, statusEnable, r.RotatedDate, r.RotatedDate}) {
		t.Fatalf("versions after rotate = %+v", v)
	}
}

func TestRotateStopsAt100Versions(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "busy"})
	for want := int64(2); want <= maxKeyVersions; want++ {
		if got, err := c.server.RotateKey(k.KeyTag); err != nil || got != want {
			t.Fatalf("rotation to %d: got %d, %v", want, got, err)
		}
	}
	c.call("POST", "/kms/v1/keys/"+k.KeyTag+"/rotate", nil).failed(t, 422, "UNPROCESSABLE_ENTITY", "Invalid status")
	if v := versionsOf(t, c, k.KeyTag); v.CurrentVersion != 100 || len(v.VersionList) != 100 || v.VersionList[99].Version != 100 {
		t.Fatalf("after the cap: current %d, %d versions", v.CurrentVersion, len(v.VersionList))
	}
}

func TestVersionListAnswer(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "listed"})
	got := c.call("GET", "/kms/v1/keys/"+k.KeyTag+"/versions", nil)
	sameFields(t, "version list", got.fieldNames(t), "keyTag", "currentVersion", "versionList")
	var raw struct {
		VersionList []map[string]any `json:"versionList"`
	}
	got.data(t, &raw)
	var names []string
	for name := range raw.VersionList[0] {
		names = append(names, name)
	}
	sameFields(t, "version item", names, "version", "status", "statusDate", "rotatedDate")

	// version 1 was "rotated" when the key was registered
	v := versionsOf(t, c, k.KeyTag)
	if v.KeyTag != k.KeyTag || v.CurrentVersion != 1 || len(v.VersionList) != 1 ||
		v.VersionList[0] != (KeyVersion{1, statusEnable, k.RegisterDate, k.RegisterDate}) {
		t.Fatalf("new key's versions = %+v, want version 1 at registerDate %d", v, k.RegisterDate)
	}
}

func TestVersionListFollowsAutomaticRotation(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "auto", RotationDays: 7})
	c.server.AdvanceClock(3*7*24*time.Hour + time.Hour) // three periods at once: three versions
	v := versionsOf(t, c, k.KeyTag)
	if v.CurrentVersion != 4 || len(v.VersionList) != 4 {
		t.Fatalf("after three periods: %+v, want 4 versions", v)
	}
	for i, item := range v.VersionList[1:] {
		due := k.NextRotationDate + int64(i)*7*dayMillis
		if item != (KeyVersion{int64(i + 2), statusEnable, due, due}) {
			t.Fatalf("version %d = %+v, want rotated at its due time %d", i+2, item, due)
		}
	}
	if info, _ := c.server.Key(k.KeyTag); info.NextRotationDate != k.NextRotationDate+3*7*dayMillis {
		t.Fatalf("next rotation %d, want three periods after the first", info.NextRotationDate)
	}
}

// keyWithVersions makes an ENABLE key with n versions.
func keyWithVersions(t *testing.T, s *Server, name string, n int64) Key {
	t.Helper()
	k := mustCreate(t, s, KeySpec{Name: name})
	for range n - 1 {
		if _, err := s.RotateKey(k.KeyTag); err != nil {
			t.Fatal(err)
		}
	}
	k, _ = s.Key(k.KeyTag)
	return k
}

func TestVersionEnableDisableRules(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(t *testing.T, s *Server, tag string) // before the call; nil for none
		call     string                                    // "enable 2", "disable 7", ...
		status   int
		msgPart  string
		wantList []string // statuses of versions 1..3 afterwards
	}{
		{"disable an old version", nil, "disable 1", 200, "", []string{statusDisable, statusEnable, statusEnable}},
		{"disable a disabled version changes nothing", disableVersion(1), "disable 1", 200, "", []string{statusDisable, statusEnable, statusEnable}},
		{"enable a disabled version", disableVersion(2), "enable 2", 200, "", []string{statusEnable, statusEnable, statusEnable}},
		{"enable an enabled version changes nothing", nil, "enable 1", 200, "", []string{statusEnable, statusEnable, statusEnable}},
		{"the current version cannot be disabled", nil, "disable 3", 422, "current version", nil},
		{"enabling the current version changes nothing", nil, "enable 3", 200, "", []string{statusEnable, statusEnable, statusEnable}},
		{"unknown version", nil, "disable 4", 404, "version 4", nil},
		{"unknown version of a disabled key is unknown first", disableKey, "enable 4", 404, "version 4", nil},
		{"version 0", nil, "enable 0", 400, "version", nil},
		{"version 101", nil, "disable 101", 400, "version", nil},
		{"version -1", nil, "disable -1", 400, "version", nil},
		{"version not a number", nil, "enable one", 400, "version", nil},
		{"version fractional", nil, "enable 1.5", 400, "version", nil},
		{"disable while the key is DISABLE", disableKey, "disable 1", 422, "Invalid status", nil},
		{"enable while the key is DISABLE", all(disableVersion(1), disableKey), "enable 1", 422, "Invalid status", nil},
		{"disable while the key is REVOKE", requestDeletion, "disable 1", 422, "Invalid status", nil},
		{"enable while the key is REVOKE", all(disableVersion(1), requestDeletion), "enable 1", 422, "Invalid status", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestClient(t, Options{})
			k := keyWithVersions(t, c.server, "versioned", 3)
			if tt.setup != nil {
				tt.setup(t, c.server, k.KeyTag)
			}
			before, _ := c.server.KeyVersions(k.KeyTag)
			c.server.AdvanceClock(time.Minute)
			action, version, _ := strings.Cut(tt.call, " ")
			got := c.call("POST", fmt.Sprintf("/kms/v1/keys/%s/versions/%s/%s", k.KeyTag, version, action), nil)
			after, _ := c.server.KeyVersions(k.KeyTag)
			if tt.status != 200 {
				got.failed(t, tt.status, map[int]string{400: "INVALID_REQUEST", 404: "NOT_FOUND", 422: "UNPROCESSABLE_ENTITY"}[tt.status], tt.msgPart)
				if fmt.Sprint(after) != fmt.Sprint(before) {
					t.Fatalf("a refused call changed the versions:\nbefore %+v\nafter  %+v", before, after)
				}
				return
			}
			sameFields(t, "version "+action, got.fieldNames(t), "version", "status", "statusDate")
			var change versionChange
			got.data(t, &change)
			n := change.Version
			if fmt.Sprint(n) != version || change.Status != after[n-1].Status || change.StatusDate != after[n-1].StatusDate {
				t.Fatalf("answer %+v does not match version %+v", change, after[n-1])
			}
			var statuses []string
			for _, v := range after {
				statuses = append(statuses, v.Status)
			}
			if fmt.Sprint(statuses) != fmt.Sprint(tt.wantList) {
				t.Fatalf("statuses after = %v, want %v", statuses, tt.wantList)
			}
			changed := before[n-1].Status != after[n-1].Status
			if moved := after[n-1].StatusDate != before[n-1].StatusDate; moved != changed {
				t.Fatalf("statusDate moved=%v while status changed=%v (%+v -> %+v)", moved, changed, before[n-1], after[n-1])
			}
		})
	}
}

func disableVersion(n int64) func(*testing.T, *Server, string) {
	return func(t *testing.T, s *Server, tag string) {
		t.Helper()
		if err := s.DisableKeyVersion(tag, n); err != nil {
			t.Fatal(err)
		}
	}
}

func disableKey(t *testing.T, s *Server, tag string) {
	t.Helper()
	if err := s.DisableKey(tag); err != nil {
		t.Fatal(err)
	}
}

func requestDeletion(t *testing.T, s *Server, tag string) {
	t.Helper()
	if err := s.RequestDeletion(tag); err != nil {
		t.Fatal(err)
	}
}

func all(steps ...func(*testing.T, *Server, string)) func(*testing.T, *Server, string) {
	return func(t *testing.T, s *Server, tag string) {
		t.Helper()
		for _, step := range steps {
			step(t, s, tag)
		}
	}
}

// TestVersionStatesSurviveKeyStatus: disabling and enabling the key keeps each version's own state
// (§3: re-enabling restores each version's previous state), and a rotation adds an enabled version.
func TestVersionStatesSurviveKeyStatus(t *testing.T) {
	c := newTestClient(t, Options{})
	k := keyWithVersions(t, c.server, "keeper", 3)
	disableVersion(2)(t, c.server, k.KeyTag)
	c.call("POST", "/kms/v1/keys/"+k.KeyTag+"/disable", nil).data(t, nil)
	c.call("POST", "/kms/v1/keys/"+k.KeyTag+"/enable", nil).data(t, nil)
	c.call("POST", "/kms/v1/keys/"+k.KeyTag+"/rotate", nil).data(t, nil)
	var statuses []string
	for _, v := range versionsOf(t, c, k.KeyTag).VersionList {
		statuses = append(statuses, v.Status)
	}
	if want := "[ENABLE DISABLE ENABLE ENABLE]"; fmt.Sprint(statuses) != want {
		t.Fatalf("statuses = %v, want %s", statuses, want)
	}
	// the old current version may now be disabled
	c.call("POST", "/kms/v1/keys/"+k.KeyTag+"/versions/3/disable", nil).data(t, nil)
}

func TestVersionRoutes(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "routes"})
	base := "/kms/v1/keys/" + k.KeyTag + "/versions"
	c.call("GET", base+"/1/enable", nil).failed(t, 405, "METHOD_NOT_ALLOWED", "GET")
	c.call("POST", base, nil).failed(t, 405, "METHOD_NOT_ALLOWED", "POST")
	for _, uri := range []string{base + "/1", base + "/1/rotate", base + "//enable", "/kms/v1/keys/" + k.KeyTag + "/other/1/enable"} {
		c.call("POST", uri, nil).failed(t, 404, "NOT_FOUND", "No such API")
	}
	// a bad version is refused before the key is looked up
	c.call("POST", "/kms/v1/keys/"+unknownTag+"/versions/0/enable", nil).failed(t, 400, "INVALID_REQUEST", "version")
}
