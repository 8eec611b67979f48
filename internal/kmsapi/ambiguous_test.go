package kmsapi

import (
	"context"
	"net/http"
	"testing"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

// Every mutating call whose answer is lost after the server carried it out (the connection
// dropped) must end in success when retried: the retry meets a key that is already where the
// call wanted it, and may be answered 200, 404 or 422 for that.
func TestMock_droppedAnswerThenRetryIsSuccess(t *testing.T) {
	for _, tc := range []struct {
		name       string
		setup      func(t *testing.T, mock *kmsmock.Server, tag string)
		method     string
		suffix     string
		call       func(ctx context.Context, c *Client, tag string) error
		wantStatus string // "" = the key is gone
		check      func(t *testing.T, key kmsmock.Key)
	}{
		{
			name: "rename", method: http.MethodPut, suffix: "/name",
			call:       func(ctx context.Context, c *Client, tag string) error { return c.RenameKey(ctx, tag, "new-name") },
			wantStatus: StatusEnable,
			check: func(t *testing.T, key kmsmock.Key) {
				if key.KeyName != "new-name" {
					t.Errorf("name %q", key.KeyName)
				}
			},
		},
		{
			name: "memo", method: http.MethodPut, suffix: "/memo",
			call:       func(ctx context.Context, c *Client, tag string) error { return c.UpdateMemo(ctx, tag, "memo") },
			wantStatus: StatusEnable,
		},
		{
			name: "disable", method: http.MethodPost, suffix: "/disable",
			call: func(ctx context.Context, c *Client, tag string) error {
				_, err := c.DisableKey(ctx, tag)
				return err
			},
			wantStatus: StatusDisable,
		},
		{
			name:  "enable",
			setup: func(t *testing.T, mock *kmsmock.Server, tag string) { requireNoErr(t, mock.DisableKey(tag)) },
			call: func(ctx context.Context, c *Client, tag string) error {
				_, err := c.EnableKey(ctx, tag)
				return err
			},
			method: http.MethodPost, suffix: "/enable", wantStatus: StatusEnable,
		},
		{
			name: "enable auto-rotation", method: http.MethodPost, suffix: "/enable-auto-rotation",
			call: func(ctx context.Context, c *Client, tag string) error {
				_, err := c.EnableAutoRotation(ctx, tag)
				return err
			},
			wantStatus: StatusEnable,
			check: func(t *testing.T, key kmsmock.Key) {
				if !key.IsAutoRotation {
					t.Error("auto-rotation is off")
				}
			},
		},
		{
			name: "rotation period", method: http.MethodPut, suffix: "/rotation-period",
			setup: func(t *testing.T, mock *kmsmock.Server, tag string) {
				_, err := newPlainMockClient(t, mock).EnableAutoRotation(context.Background(), tag)
				requireNoErr(t, err)
			},
			call: func(ctx context.Context, c *Client, tag string) error {
				_, err := c.SetRotationPeriod(ctx, tag, 30)
				return err
			},
			wantStatus: StatusEnable,
			check: func(t *testing.T, key kmsmock.Key) {
				if key.RotationPeriod != 30 {
					t.Errorf("rotation period %d", key.RotationPeriod)
				}
			},
		},
		{
			name: "disable auto-rotation", method: http.MethodPost, suffix: "/disable-auto-rotation",
			setup: func(t *testing.T, mock *kmsmock.Server, tag string) {
				_, err := newPlainMockClient(t, mock).EnableAutoRotation(context.Background(), tag)
				requireNoErr(t, err)
			},
			call:       func(ctx context.Context, c *Client, tag string) error { return c.DisableAutoRotation(ctx, tag) },
			wantStatus: StatusEnable,
		},
		{
			name: "request deletion", method: http.MethodPost, suffix: "/request-deletion",
			call: func(ctx context.Context, c *Client, tag string) error {
				_, err := c.RequestDeletion(ctx, tag)
				return err
			},
			wantStatus: StatusRevoke,
		},
		{
			name:  "cancel deletion",
			setup: func(t *testing.T, mock *kmsmock.Server, tag string) { requireNoErr(t, mock.RequestDeletion(tag)) },
			call: func(ctx context.Context, c *Client, tag string) error {
				_, err := c.CancelDeletion(ctx, tag)
				return err
			},
			method: http.MethodPost, suffix: "/cancel-deletion", wantStatus: StatusDisable,
		},
		{
			name:   "delete",
			setup:  func(t *testing.T, mock *kmsmock.Server, tag string) { requireNoErr(t, mock.RequestDeletion(tag)) },
			call:   func(ctx context.Context, c *Client, tag string) error { return c.DeleteKey(ctx, tag) },
			method: http.MethodDelete, suffix: "", wantStatus: "",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mock := kmsmock.NewTestServer(t, kmsmock.Options{})
			key, err := mock.CreateKey(kmsmock.KeySpec{Name: "dropped", Type: "AES256", ProtectionType: "BASIC"})
			requireNoErr(t, err)
			if tc.setup != nil {
				tc.setup(t, mock, key.KeyTag)
			}
			mock.ResetJournal()
			suffix := tc.suffix
			if suffix == "" {
				suffix = key.KeyTag
			}
			mock.InjectFault(kmsmock.Fault{Method: tc.method, PathSuffix: suffix, Drop: true})
			// The retry after the drop is answered 503 once more, so that the "already done" answer
			// comes two attempts after the one that did the work.
			mock.InjectFault(kmsmock.Fault{Method: tc.method, PathSuffix: suffix, Status: http.StatusServiceUnavailable})
			client, _ := newMockClient(t, mock)

			if err := tc.call(context.Background(), client, key.KeyTag); err != nil {
				t.Fatalf("call failed although the dropped attempt did the work: %v\njournal %q", err, journalLines(mock))
			}
			got, ok := mock.Key(key.KeyTag)
			switch {
			case tc.wantStatus == "" && ok:
				t.Fatalf("key still exists: %+v", got)
			case tc.wantStatus == "":
				return
			case !ok:
				t.Fatal("key is gone")
			case got.Status != tc.wantStatus:
				t.Errorf("status %s, want %s", got.Status, tc.wantStatus)
			}
			if tc.check != nil {
				tc.check(t, got)
			}
		})
	}
}

func newPlainMockClient(t *testing.T, mock *kmsmock.Server) *Client {
	client, _ := newMockClient(t, mock)
	return client
}

func requireNoErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
