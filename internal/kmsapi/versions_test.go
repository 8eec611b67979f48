package kmsapi

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

// Each version call sends the documented method and path and decodes its answer.
func TestVersions_typedCallsSendTheDocumentedRequests(t *testing.T) {
	fs := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/rotate"):
			writeSuccess(w, map[string]any{"keyTag": "t1", "version": 3, "rotatedDate": int64(1733460000000)})
		case strings.HasSuffix(r.URL.Path, "/versions"):
			writeSuccess(w, map[string]any{"keyTag": "t1", "currentVersion": 2, "versionList": []map[string]any{
				{"version": 1, "status": "DISABLE", "statusDate": 5, "rotatedDate": 1},
				{"version": 2, "status": "ENABLE", "statusDate": 2, "rotatedDate": 2},
			}})
		default:
			writeSuccess(w, map[string]any{"version": 1, "status": "ENABLE", "statusDate": int64(1733460541703)})
		}
	})
	client, _ := newTestClient(t, fs.endpoint())
	ctx := context.Background()
	var (
		rotation *Rotation
		versions *KeyVersions
		status   *VersionStatus
		err      error
	)
	calls := []typedCall{
		{"POST", "/kms/v1/keys/t1/rotate", "", func() error { rotation, err = client.Rotate(ctx, "t1", 2); return err },
			func() bool { return *rotation == Rotation{"t1", 3, 1733460000000} }},
		{"GET", "/kms/v1/keys/t1/versions", "", func() error { versions, err = client.ListVersions(ctx, "t1"); return err },
			func() bool {
				return versions.CurrentVersion == 2 && len(versions.Versions) == 2 && versions.Versions[0] == KeyVersion{1, "DISABLE", 5, 1}
			}},
		{"POST", "/kms/v1/keys/t1/versions/1/enable", "", func() error { status, err = client.EnableVersion(ctx, "t1", 1); return err },
			func() bool { return *status == VersionStatus{1, "ENABLE", 1733460541703} }},
		{"POST", "/kms/v1/keys/t1/versions/7/disable", "", func() error { status, err = client.DisableVersion(ctx, "t1", 7); return err },
			func() bool { return status.Version == 1 }},
	}
	runTypedCalls(t, fs, calls)
}

func TestVersions_emptyKeyTagIsRefusedLocally(t *testing.T) {
	client, _ := newTestClient(t, "http://127.0.0.1:1/kms/v1")
	ctx := context.Background()
	for name, call := range map[string]func() error{
		"Rotate":         func() error { _, err := client.Rotate(ctx, "", 1); return err },
		"ListVersions":   func() error { _, err := client.ListVersions(ctx, ""); return err },
		"EnableVersion":  func() error { _, err := client.EnableVersion(ctx, "", 1); return err },
		"DisableVersion": func() error { _, err := client.DisableVersion(ctx, "", 1); return err },
	} {
		if err := call(); err == nil {
			t.Errorf("%s with an empty tag succeeded", name)
		}
	}
}

func newMockKey(t *testing.T, mock *kmsmock.Server, spec kmsmock.KeySpec) kmsmock.Key {
	t.Helper()
	spec.Type, spec.ProtectionType = "AES256", "BASIC"
	key, err := mock.CreateKey(spec)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func TestMock_versionLifecycle(t *testing.T) {
	ctx := context.Background()
	mock := kmsmock.NewTestServer(t, kmsmock.Options{})
	client, _ := newMockClient(t, mock)
	key := newMockKey(t, mock, kmsmock.KeySpec{Name: "versioned"})

	rotation, err := client.Rotate(ctx, key.KeyTag, 1)
	if err != nil || rotation.Version != 2 || rotation.KeyTag != key.KeyTag || rotation.RotatedDate == 0 {
		t.Fatalf("Rotate = %+v, %v", rotation, err)
	}
	if _, err := client.Rotate(ctx, key.KeyTag, 0); err != nil {
		t.Fatal(err)
	}
	status, err := client.DisableVersion(ctx, key.KeyTag, 1)
	if err != nil || status.Status != StatusDisable || status.Version != 1 {
		t.Fatalf("DisableVersion = %+v, %v", status, err)
	}
	versions, err := client.ListVersions(ctx, key.KeyTag)
	if err != nil || versions.CurrentVersion != 3 || len(versions.Versions) != 3 ||
		versions.Versions[0].Status != StatusDisable || versions.Versions[2].RotatedDate == 0 {
		t.Fatalf("ListVersions = %+v, %v", versions, err)
	}
	if status, err = client.EnableVersion(ctx, key.KeyTag, 1); err != nil || status.Status != StatusEnable {
		t.Fatalf("EnableVersion = %+v, %v", status, err)
	}

	refusals := []struct {
		name     string
		call     func() error
		classify func(error) bool
		status   int
	}{
		{"disable the current version", func() error { _, err := client.DisableVersion(ctx, key.KeyTag, 3); return err }, IsInvalidStatus, 422},
		{"unknown version", func() error { _, err := client.EnableVersion(ctx, key.KeyTag, 4); return err }, IsNotFound, 404},
		{"version 0", func() error { _, err := client.EnableVersion(ctx, key.KeyTag, 0); return err }, func(err error) bool { return !IsRetryable(err) }, 400},
		{"version 101", func() error { _, err := client.DisableVersion(ctx, key.KeyTag, 101); return err }, func(err error) bool { return !IsRetryable(err) }, 400},
		{"unknown key", func() error { _, err := client.ListVersions(ctx, strings.Repeat("0", 64)); return err }, IsNotFound, 404},
	}
	for _, r := range refusals {
		err := r.call()
		if apiErr, ok := asAPIError(err); !ok || apiErr.StatusCode != r.status || !r.classify(err) {
			t.Errorf("%s: %v, want HTTP %d", r.name, err, r.status)
		}
	}
	if _, err := client.DisableKey(ctx, key.KeyTag); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Rotate(ctx, key.KeyTag, 3); !IsInvalidStatus(err) {
		t.Errorf("rotating a disabled key: %v, want 422", err)
	}
	if _, err := client.DisableVersion(ctx, key.KeyTag, 1); !IsInvalidStatus(err) {
		t.Errorf("disabling a version of a disabled key: %v, want 422", err)
	}
}

func TestMock_automaticRotationShowsInVersions(t *testing.T) {
	mock := kmsmock.NewTestServer(t, kmsmock.Options{})
	client, _ := newMockClient(t, mock, func(c *Config) { c.Now = mock.GatewayNow })
	key := newMockKey(t, mock, kmsmock.KeySpec{Name: "auto", RotationDays: 30})
	mock.AdvanceClock(61 * 24 * time.Hour)
	versions, err := client.ListVersions(context.Background(), key.KeyTag)
	if err != nil || versions.CurrentVersion != 3 || versions.Versions[1].RotatedDate != key.NextRotationDate {
		t.Fatalf("after 61 days: %+v, %v", versions, err)
	}
}

// A rotation whose answer was lost is not repeated: the version list shows it happened.
func TestMock_ambiguousRotateRotatesOnce(t *testing.T) {
	tests := []struct {
		name        string
		fault       kmsmock.Fault
		fromVersion int64
		wantVersion int64 // the key's current version afterwards
		wantErr     string
		wantJournal string
	}{
		{"dropped answer, then the versions show it", kmsmock.Fault{Method: "POST", PathSuffix: "/rotate", Drop: true}, 1, 2, "",
			"POST /rotate 200 dropped, GET /versions 200"},
		{"503 without effect, then a retry", kmsmock.Fault{Method: "POST", PathSuffix: "/rotate", Status: 503}, 1, 2, "",
			"POST /rotate 503, GET /versions 200, POST /rotate 200"},
		{"429 is retried without a look", kmsmock.Fault{Method: "POST", PathSuffix: "/rotate", Status: 429}, 1, 2, "",
			"POST /rotate 429, POST /rotate 200"},
		{"dropped answer without a known version", kmsmock.Fault{Method: "POST", PathSuffix: "/rotate", Drop: true}, 0, 2,
			"may have been rotated", "POST /rotate 200 dropped"},
		{"dropped answer, and the versions cannot be read", kmsmock.Fault{Drop: true, Times: 5}, 1, 2,
			"reading its versions failed too", "POST /rotate 200 dropped" + strings.Repeat(", GET /versions 200 dropped", 4)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mock := kmsmock.NewTestServer(t, kmsmock.Options{})
			key := newMockKey(t, mock, kmsmock.KeySpec{Name: "once"})
			mock.InjectFault(tt.fault)
			client, _ := newMockClient(t, mock) // 4 attempts
			rotation, err := client.Rotate(context.Background(), key.KeyTag, tt.fromVersion)
			if tt.wantErr == "" && (err != nil || rotation.Version != tt.wantVersion || rotation.RotatedDate == 0) {
				t.Errorf("Rotate = %+v, %v", rotation, err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("Rotate error %v, want one saying %q", err, tt.wantErr)
			}
			if after, _ := mock.Key(key.KeyTag); after.CurrentVersion != tt.wantVersion {
				t.Errorf("current version %d, want %d", after.CurrentVersion, tt.wantVersion)
			}
			if got := shortJournal(mock, key.KeyTag); got != tt.wantJournal {
				t.Errorf("journal %q, want %q", got, tt.wantJournal)
			}
		})
	}
}

// shortJournal is the journal with the key's path prefix left out.
func shortJournal(mock *kmsmock.Server, tag string) string {
	lines := journalLines(mock)
	for i := range lines {
		lines[i] = strings.Replace(lines[i], "/kms/v1/keys/"+tag, "", 1)
	}
	return strings.Join(lines, ", ")
}
