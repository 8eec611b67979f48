package kmsapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

// These tests run the client against the in-memory KMS model, so that every error class is
// decoded from the answers the mock really gives.

func newMockClient(t *testing.T, mock *kmsmock.Server, adjust ...func(*Config)) (*Client, *waitRecorder) {
	t.Helper()
	return newTestClient(t, mock.URL(), append([]func(*Config){func(c *Config) {
		c.AccessKey = mock.AccessKey()
		c.SecretKey = mock.SecretKey()
	}}, adjust...)...)
}

func journalLines(mock *kmsmock.Server) []string {
	var lines []string
	for _, call := range mock.Journal() {
		line := call.Method + " " + call.Path
		if call.Query != "" {
			line += "?" + call.Query
		}
		line += fmt.Sprintf(" %d", call.Status)
		if call.Dropped {
			line += " dropped"
		}
		lines = append(lines, line)
	}
	return lines
}

func aesKey(name string) CreateKeyInput {
	return CreateKeyInput{KeyName: name, KeyType: "AES256", ProtectionType: "BASIC"}
}

func TestMock_ambiguousCreateMakesOneKey(t *testing.T) {
	mock := kmsmock.NewTestServer(t, kmsmock.Options{})
	mock.InjectFault(kmsmock.Fault{Method: http.MethodPost, PathSuffix: "/keys", Drop: true})
	client, _ := newMockClient(t, mock)

	key, err := client.CreateKey(context.Background(), aesKey("app-key"))
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	keys := mock.Keys()
	if len(keys) != 1 || keys[0].KeyTag != key.KeyTag || key.Status != StatusEnable {
		t.Fatalf("mock holds %+v, client returned %+v", keys, key)
	}
	journal := mock.Journal()
	if len(journal) != 2 ||
		journal[0].Method != http.MethodPost || journal[0].Path != "/kms/v1/keys" || !journal[0].Dropped ||
		journal[1].Method != http.MethodGet || journal[1].Path != "/kms/v1/keys" || journal[1].Query != "pageNo=1&pageSize=200" {
		t.Errorf("journal %q, want one dropped POST then one list GET", journalLines(mock))
	}
}

func TestMock_errorClasses(t *testing.T) {
	ctx := context.Background()
	mock := kmsmock.NewTestServer(t, kmsmock.Options{})
	existing, err := mock.CreateKey(kmsmock.KeySpec{Name: "taken", Type: "AES256", ProtectionType: "BASIC"})
	if err != nil {
		t.Fatal(err)
	}
	client, _ := newMockClient(t, mock)
	wrongSecret, _ := newMockClient(t, mock, func(c *Config) { c.SecretKey = "not-the-secret-key-0000" })
	skewedMock := kmsmock.NewTestServer(t, kmsmock.Options{Start: time.Now().Add(10 * time.Minute)})
	skewedClient, _ := newMockClient(t, skewedMock)
	throttledMock := kmsmock.NewTestServer(t, kmsmock.Options{})
	throttledMock.InjectFault(kmsmock.Fault{Method: http.MethodGet, PathSuffix: "/keys", Status: 429, RetryAfter: 2, Times: 10})
	throttledClient, throttledWaits := newMockClient(t, throttledMock)

	tests := []struct {
		name       string
		call       func() error
		status     int
		code       string
		classify   func(error) bool
		wantInText []string
	}{
		{"404 unknown tag", func() error { _, err := client.GetKey(ctx, strings.Repeat("0", 64)); return err },
			404, "NOT_FOUND", IsNotFound, nil},
		{"422 delete of an ENABLE key", func() error { return client.DeleteKey(ctx, existing.KeyTag) },
			422, "UNPROCESSABLE_ENTITY", IsInvalidStatus, nil},
		{"409 duplicate name", func() error { _, err := client.CreateKey(ctx, aesKey("TAKEN")); return err },
			409, "CONFLICT", IsConflict, nil},
		{"400 bad name", func() error { _, err := client.CreateKey(ctx, aesKey("1bad")); return err },
			400, "INVALID_REQUEST", func(err error) bool { return !IsRetryable(err) }, []string{"keyName"}},
		{"401 wrong secret", func() error { _, err := wrongSecret.ListKeys(ctx); return err },
			401, "200", IsAuthFailure, []string{"credentials were rejected", "secret key"}},
		{"401 clock 10 minutes off", func() error { _, err := skewedClient.ListKeys(ctx); return err },
			401, "200", IsAuthFailure, []string{"request timestamp was rejected", "this machine's clock", "10m"}},
		{"429 scripted", func() error { _, err := throttledClient.ListKeys(ctx); return err },
			429, "TOO_MANY_REQUESTS", IsThrottled, []string{"gave up after 4 attempts"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			apiErr, ok := asAPIError(err)
			if !ok {
				t.Fatalf("got %v, want an APIError", err)
			}
			if apiErr.StatusCode != tt.status || apiErr.Code != tt.code || !tt.classify(err) {
				t.Errorf("got status %d code %q (%v), want %d %q", apiErr.StatusCode, apiErr.Code, err, tt.status, tt.code)
			}
			if apiErr.RequestID == "" || apiErr.Message == "" {
				t.Errorf("request id %q, message %q: want both", apiErr.RequestID, apiErr.Message)
			}
			for _, want := range tt.wantInText {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
			for _, secret := range []string{mock.SecretKey(), mock.AccessKey(), "not-the-secret-key-0000"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q contains a credential", err)
				}
			}
		})
	}

	t.Run("clock skew is measured", func(t *testing.T) {
		_, err := skewedClient.GetKey(ctx, "tag")
		apiErr, _ := asAPIError(err)
		if apiErr == nil || apiErr.ClockSkew < 9*time.Minute || apiErr.ClockSkew > 11*time.Minute {
			t.Errorf("got %#v, want ClockSkew near 10m", err)
		}
		_, err = wrongSecret.GetKey(ctx, "tag")
		if apiErr, _ := asAPIError(err); apiErr == nil || apiErr.ClockSkew != 0 {
			t.Errorf("wrong secret reported a clock skew: %v", err)
		}
	})
	t.Run("no retries on client errors", func(t *testing.T) {
		for _, line := range journalLines(mock) {
			if strings.HasSuffix(line, " 500") || strings.HasSuffix(line, "dropped") {
				t.Errorf("unexpected journal line %q", line)
			}
		}
		if len(mock.Journal()) != 6 { // 404, 422, 409, 400, and two 401s
			t.Errorf("journal %q, want one request per failing call", journalLines(mock))
		}
		if got := throttledWaits.Waits(); len(got) != 3 || got[0] != 2*time.Second {
			t.Errorf("429 waits %v, want 3 waits of Retry-After 2s", got)
		}
	})
}

func TestMock_retriesEndInSuccess(t *testing.T) {
	tests := []struct {
		name      string
		fault     kmsmock.Fault
		call      func(c *Client, tag string) error
		wantWaits []time.Duration // nil: only count
	}{
		{"429 with Retry-After", kmsmock.Fault{Method: http.MethodGet, Status: 429, RetryAfter: 2, Times: 2},
			func(c *Client, tag string) error { _, err := c.GetKey(context.Background(), tag); return err },
			[]time.Duration{2 * time.Second, 2 * time.Second}},
		{"503", kmsmock.Fault{Method: http.MethodPut, Status: 503, Times: 2},
			func(c *Client, tag string) error { return c.UpdateMemo(context.Background(), tag, "memo") }, nil},
		{"dropped connection", kmsmock.Fault{Method: http.MethodPut, Drop: true, Times: 2},
			func(c *Client, tag string) error { return c.RenameKey(context.Background(), tag, "renamed") }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mock := kmsmock.NewTestServer(t, kmsmock.Options{})
			key, err := mock.CreateKey(kmsmock.KeySpec{Name: "retry-me", Type: "AES256", ProtectionType: "BASIC"})
			if err != nil {
				t.Fatal(err)
			}
			mock.InjectFault(tt.fault)
			client, waits := newMockClient(t, mock)
			if err := tt.call(client, key.KeyTag); err != nil {
				t.Fatalf("call: %v (journal %q)", err, journalLines(mock))
			}
			if len(mock.Journal()) != 3 {
				t.Errorf("journal %q, want two failures and a success", journalLines(mock))
			}
			if tt.wantWaits != nil && fmt.Sprint(waits.Waits()) != fmt.Sprint(tt.wantWaits) {
				t.Errorf("waits %v, want %v", waits.Waits(), tt.wantWaits)
			}
		})
	}
}

func TestMock_retriesSpentGiveAClearError(t *testing.T) {
	for name, fault := range map[string]kmsmock.Fault{
		"503":     {Status: 503, Times: 10},
		"dropped": {Method: http.MethodPut, Drop: true, Times: 10},
	} {
		t.Run(name, func(t *testing.T) {
			mock := kmsmock.NewTestServer(t, kmsmock.Options{})
			key, _ := mock.CreateKey(kmsmock.KeySpec{Name: "retry-me", Type: "AES256", ProtectionType: "BASIC"})
			mock.InjectFault(fault)
			client, _ := newMockClient(t, mock)
			err := client.UpdateMemo(context.Background(), key.KeyTag, "memo")
			if err == nil || !strings.Contains(err.Error(), "gave up after 4 attempts") || len(mock.Journal()) != 4 {
				t.Errorf("got %v after %q", err, journalLines(mock))
			}
		})
	}
}

func TestMock_cancelledContextSendsNothingMore(t *testing.T) {
	mock := kmsmock.NewTestServer(t, kmsmock.Options{})
	mock.InjectFault(kmsmock.Fault{Status: 503, Times: 10})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	client, _ := newMockClient(t, mock, func(c *Config) {
		c.Sleep = func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }
	})
	_, err := client.ListKeys(ctx)
	if !errors.Is(err, context.Canceled) || len(mock.Journal()) != 1 {
		t.Errorf("got %v after %q, want context.Canceled after one request", err, journalLines(mock))
	}
}

func TestMock_list450KeysInOrder(t *testing.T) {
	mock := kmsmock.NewTestServer(t, kmsmock.Options{})
	for i := range 450 {
		if _, err := mock.CreateKey(kmsmock.KeySpec{Name: fmt.Sprintf("key-%03d", i), Type: "AES256", ProtectionType: "BASIC"}); err != nil {
			t.Fatal(err)
		}
	}
	client, _ := newMockClient(t, mock)
	keys, err := client.ListKeys(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := mock.Keys()
	if len(keys) != 450 || len(want) != 450 {
		t.Fatalf("listed %d keys, mock has %d", len(keys), len(want))
	}
	for i := range keys {
		if keys[i].KeyTag != want[i].KeyTag || keys[i].KeyName != fmt.Sprintf("key-%03d", i) {
			t.Fatalf("key %d: %s %s, want %s", i, keys[i].KeyTag, keys[i].KeyName, want[i].KeyTag)
		}
	}
	if got := strings.Join(journalLines(mock), ", "); got !=
		"GET /kms/v1/keys?pageNo=1&pageSize=200 200, GET /kms/v1/keys?pageNo=2&pageSize=200 200, GET /kms/v1/keys?pageNo=3&pageSize=200 200" {
		t.Errorf("journal %s", got)
	}
	if mock.ConnectionsAccepted() != 1 {
		t.Errorf("%d connections for 3 sequential calls, want 1", mock.ConnectionsAccepted())
	}
}

// A whole key lifecycle through the client, as the resource drives it.
func TestMock_lifecycle(t *testing.T) {
	ctx := context.Background()
	mock := kmsmock.NewTestServer(t, kmsmock.Options{})
	client, _ := newMockClient(t, mock)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	created, err := client.CreateKey(ctx, CreateKeyInput{KeyName: "life", KeyType: "RSA2048", ProtectionType: "BASIC", Memo: "m", IsAutoRotation: true, RotationPeriod: 30})
	must(err)
	if created.Status != StatusEnable || created.RotationPeriod != 30 || !created.IsAutoRotation || created.KeyTag == "" {
		t.Errorf("created %+v", created)
	}
	key, err := client.GetKey(ctx, created.KeyTag)
	must(err)
	if key.NRN == "" || key.CurrentVersion != 1 || key.KeyType != "RSA2048" || key.Memo != "m" {
		t.Errorf("key info %+v", key)
	}
	must(client.RenameKey(ctx, key.KeyTag, "life-2"))
	must(client.UpdateMemo(ctx, key.KeyTag, ""))
	change, err := client.DisableKey(ctx, key.KeyTag)
	must(err)
	if change.Status != StatusDisable || change.StatusDate == 0 {
		t.Errorf("disable %+v", change)
	}
	_, err = client.EnableKey(ctx, key.KeyTag)
	must(err)
	must(client.DisableAutoRotation(ctx, key.KeyTag))
	if _, err := client.SetRotationPeriod(ctx, key.KeyTag, 60); !IsInvalidStatus(err) {
		t.Errorf("rotation period with auto-rotation off: %v, want 422", err)
	}
	rotation, err := client.EnableAutoRotation(ctx, key.KeyTag)
	must(err)
	if !rotation.IsAutoRotation || rotation.RotationPeriod != 30 {
		t.Errorf("enable auto-rotation %+v", rotation)
	}
	rotation, err = client.SetRotationPeriod(ctx, key.KeyTag, 60)
	must(err)
	if rotation.RotationPeriod != 60 || rotation.NextRotationDate == 0 {
		t.Errorf("rotation period %+v", rotation)
	}
	change, err = client.RequestDeletion(ctx, key.KeyTag)
	must(err)
	if change.Status != StatusRevoke {
		t.Errorf("request deletion %+v", change)
	}
	change, err = client.CancelDeletion(ctx, key.KeyTag)
	must(err)
	if change.Status != StatusDisable {
		t.Errorf("cancel deletion %+v", change)
	}
	_, err = client.RequestDeletion(ctx, key.KeyTag)
	must(err)
	must(client.DeleteKey(ctx, key.KeyTag))
	if _, err := client.GetKey(ctx, key.KeyTag); !IsNotFound(err) {
		t.Errorf("get after delete: %v, want 404", err)
	}
	found, err := client.FindKeyByName(ctx, "LIFE-2")
	if err != nil || found != nil {
		t.Errorf("find after delete: %+v, %v", found, err)
	}
}

// A pending key whose destroyDate passes disappears.
func TestMock_pendingKeyExpires(t *testing.T) {
	ctx := context.Background()
	mock := kmsmock.NewTestServer(t, kmsmock.Options{})
	client, _ := newMockClient(t, mock)
	key, err := client.CreateKey(ctx, aesKey("expiring"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.RequestDeletion(ctx, key.KeyTag); err != nil {
		t.Fatal(err)
	}
	info, err := client.GetKey(ctx, key.KeyTag)
	if err != nil || info.Status != StatusRevoke || MillisToTime(info.DestroyDate).IsZero() {
		t.Fatalf("pending key %+v, %v", info, err)
	}
	mock.AdvanceClock(73 * time.Hour)
	// Skipping days moves only the model clock: the client keeps signing with the gateway clock.
	client, _ = newMockClient(t, mock, func(c *Config) { c.Now = mock.GatewayNow })
	if _, err := client.GetKey(ctx, key.KeyTag); !IsNotFound(err) {
		t.Errorf("after 73h: %v, want 404", err)
	}
}
