package kmsapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// typedCall is one client call and the request it must produce.
type typedCall struct {
	method, uri, body string
	call              func() error
	checkDecoded      func() bool // nil when there is no answer to check
}

// Each typed call sends the documented method, path and body and decodes its answer.
func TestKeys_typedCallsSendTheDocumentedRequests(t *testing.T) {
	fs := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case strings.HasSuffix(r.URL.Path, "-rotation") || strings.HasSuffix(r.URL.Path, "/rotation-period"):
			writeSuccess(w, map[string]any{"keyTag": "t1", "isAutoRotation": true, "rotationPeriod": 30, "nextRotationDate": int64(1700000000000)})
		case r.Method == http.MethodPost && r.URL.Path != "/kms/v1/keys":
			writeSuccess(w, map[string]any{"keyTag": "t1", "status": "DISABLE", "statusDate": int64(1733458650081)})
		case r.Method == http.MethodDelete:
			writeSuccess(w, nil)
		default:
			writeSuccess(w, map[string]any{"keyTag": "t1", "keyName": "name", "status": "ENABLE", "keyId": 7})
		}
	})
	client, _ := newTestClient(t, fs.endpoint())
	ctx := context.Background()

	var key *Key
	var change *StatusChange
	var rotation *RotationInfo
	var err error
	calls := []typedCall{
		{"POST", "/kms/v1/keys", `{"keyName":"name","keyType":"AES256","isConvergent":false,"isAutoRotation":false,"protectionType":"BASIC"}`,
			func() error {
				// RotationPeriod without auto-rotation is dropped: the API refuses it.
				key, err = client.CreateKey(ctx, CreateKeyInput{KeyName: "name", KeyType: "AES256", ProtectionType: "BASIC", RotationPeriod: 30})
				return err
			}, func() bool { return key.KeyTag == "t1" && key.KeyID == 7 }},
		{"GET", "/kms/v1/keys/t1", "", func() error { key, err = client.GetKey(ctx, "t1"); return err },
			func() bool { return key.KeyName == "name" }},
		{"PUT", "/kms/v1/keys/t1/name", `{"keyName":"other"}`, func() error { return client.RenameKey(ctx, "t1", "other") }, nil},
		{"PUT", "/kms/v1/keys/t1/memo", `{"memo":""}`, func() error { return client.UpdateMemo(ctx, "t1", "") }, nil},
		{"POST", "/kms/v1/keys/t1/enable", "", func() error { change, err = client.EnableKey(ctx, "t1"); return err },
			func() bool { return change.StatusDate == 1733458650081 }},
		{"POST", "/kms/v1/keys/t1/disable", "", func() error { change, err = client.DisableKey(ctx, "t1"); return err },
			func() bool { return change.Status == "DISABLE" }},
		{"POST", "/kms/v1/keys/t1/enable-auto-rotation", "", func() error { rotation, err = client.EnableAutoRotation(ctx, "t1"); return err },
			func() bool { return rotation.IsAutoRotation && rotation.RotationPeriod == 30 }},
		{"POST", "/kms/v1/keys/t1/disable-auto-rotation", "", func() error { return client.DisableAutoRotation(ctx, "t1") }, nil},
		{"PUT", "/kms/v1/keys/t1/rotation-period", `{"rotationPeriod":30}`, func() error { rotation, err = client.SetRotationPeriod(ctx, "t1", 30); return err },
			func() bool { return rotation.NextRotationDate == 1700000000000 }},
		{"POST", "/kms/v1/keys/t1/request-deletion", "", func() error { change, err = client.RequestDeletion(ctx, "t1"); return err },
			func() bool { return change.KeyTag == "t1" }},
		{"POST", "/kms/v1/keys/t1/cancel-deletion", "", func() error { change, err = client.CancelDeletion(ctx, "t1"); return err },
			func() bool { return change.KeyTag == "t1" }},
		{"DELETE", "/kms/v1/keys/t1", "", func() error { return client.DeleteKey(ctx, "t1") }, nil},
	}
	runTypedCalls(t, fs, calls)
}

// runTypedCalls makes each call in turn and checks the request it sent and the answer it decoded.
func runTypedCalls(t *testing.T, fs *fakeServer, calls []typedCall) {
	t.Helper()
	for i, c := range calls {
		if err := c.call(); err != nil {
			t.Fatalf("%s %s: %v", c.method, c.uri, err)
		}
		got := fs.Requests()[i]
		if got.Method != c.method || got.RequestURI != c.uri || got.Body != c.body {
			t.Errorf("sent %s %s %q, want %s %s %q", got.Method, got.RequestURI, got.Body, c.method, c.uri, c.body)
		}
		if c.checkDecoded != nil && !c.checkDecoded() {
			t.Errorf("%s %s: answer not decoded", c.method, c.uri)
		}
	}
}

// listServer pages through count keys like Get Key List; listField picks the data field name.
func listServer(t *testing.T, count int, listField string) *fakeServer {
	return newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		pageNo, _ := strconv.Atoi(r.URL.Query().Get("pageNo"))
		pageSize, _ := strconv.Atoi(r.URL.Query().Get("pageSize"))
		totalPages := (count + pageSize - 1) / pageSize
		page := []map[string]any{}
		for i := (pageNo - 1) * pageSize; i < min(pageNo*pageSize, count); i++ {
			page = append(page, map[string]any{"keyTag": fmt.Sprintf("tag%04d", i), "keyName": fmt.Sprintf("Key-%d", i), "status": "ENABLE"})
		}
		writeSuccess(w, map[string]any{listField: page, "currentPageNo": pageNo, "totalPageNo": totalPages, "totalCount": count})
	})
}

func TestListKeys_allPagesInOrder(t *testing.T) {
	for _, field := range []string{"keyList", "KeyList"} {
		t.Run(field, func(t *testing.T) {
			fs := listServer(t, 450, field)
			client, _ := newTestClient(t, fs.endpoint())
			keys, err := client.ListKeys(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(keys) != 450 {
				t.Fatalf("%d keys, want 450", len(keys))
			}
			for i, key := range keys {
				if key.KeyTag != fmt.Sprintf("tag%04d", i) {
					t.Fatalf("key %d is %s", i, key.KeyTag)
				}
			}
			var uris []string
			for _, r := range fs.Requests() {
				uris = append(uris, r.RequestURI)
			}
			want := "/kms/v1/keys?pageNo=1&pageSize=200 /kms/v1/keys?pageNo=2&pageSize=200 /kms/v1/keys?pageNo=3&pageSize=200"
			if strings.Join(uris, " ") != want {
				t.Errorf("requests %v", uris)
			}
		})
	}
}

func TestWalkKeys_stopsReadingPagesWhenVisitSaysSo(t *testing.T) {
	fs := listServer(t, 450, "keyList")
	client, _ := newTestClient(t, fs.endpoint())
	var visited []string
	err := client.WalkKeys(context.Background(), func(key Key) bool {
		visited = append(visited, key.KeyTag)
		return len(visited) < 201 // the first key of the second page is the last one wanted
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(visited) != 201 || visited[200] != "tag0200" {
		t.Errorf("visited %d keys, the last %q; want 201, the last tag0200", len(visited), visited[len(visited)-1])
	}
	if fs.Count() != 2 {
		t.Errorf("%d page requests, want 2: the third page holds no wanted key", fs.Count())
	}
}

func TestListKeys_stopsOnEmptyPageOrMissingPaging(t *testing.T) {
	fs := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			// Paging fields absent and a full page: the client must ask for the next one.
			page := make([]map[string]any, 200)
			for i := range page {
				page[i] = map[string]any{"keyTag": fmt.Sprint(i)}
			}
			writeSuccess(w, map[string]any{"keyList": page})
			return
		}
		writeSuccess(w, map[string]any{"keyList": []any{}, "currentPageNo": n, "totalPageNo": 99})
	})
	client, _ := newTestClient(t, fs.endpoint())
	keys, err := client.ListKeys(context.Background())
	if err != nil || len(keys) != 200 || fs.Count() != 2 {
		t.Errorf("got %d keys, err %v, after %d requests; want 200 after 2", len(keys), err, fs.Count())
	}
}

func TestFindKeyByName_caseInsensitive(t *testing.T) {
	fs := listServer(t, 250, "keyList")
	client, _ := newTestClient(t, fs.endpoint())
	key, err := client.FindKeyByName(context.Background(), "KEY-220")
	if err != nil || key == nil || key.KeyTag != "tag0220" {
		t.Errorf("got %+v, %v", key, err)
	}
	key, err = client.FindKeyByName(context.Background(), "absent")
	if err != nil || key != nil {
		t.Errorf("absent name: got %+v, %v; want nil, nil", key, err)
	}
}

// createServer answers the first POST /keys with firstCreate, later ones with laterCreate, and
// lists existing (a key's JSON fields) when asked.
func createServer(t *testing.T, firstCreate, laterCreate func(w http.ResponseWriter), existing func() []map[string]any) *fakeServer {
	var posts atomic.Int32
	return newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case r.Method == http.MethodPost:
			if posts.Add(1) == 1 {
				firstCreate(w)
			} else {
				laterCreate(w)
			}
		case r.Method == http.MethodGet:
			writeSuccess(w, map[string]any{"keyList": existing(), "currentPageNo": 1, "totalPageNo": 1})
		}
	})
}

func methods(fs *fakeServer) string {
	var out []string
	for _, r := range fs.Requests() {
		out = append(out, r.Method)
	}
	return strings.Join(out, " ")
}

func TestCreateKey_ambiguousFailureAdoptsTheKey(t *testing.T) {
	created := []map[string]any{{"keyTag": "new", "keyName": "My-Key", "status": "ENABLE"}}
	for name, fail := range map[string]func(t *testing.T) func(http.ResponseWriter){
		"dropped": func(t *testing.T) func(http.ResponseWriter) {
			return func(w http.ResponseWriter) { dropConnection(t, w) }
		},
		"502": func(*testing.T) func(http.ResponseWriter) { return serverError(502) },
	} {
		t.Run(name, func(t *testing.T) {
			fs := createServer(t, fail(t), func(w http.ResponseWriter) { t.Error("second POST") }, func() []map[string]any { return created })
			client, _ := newTestClient(t, fs.endpoint())
			key, err := client.CreateKey(context.Background(), CreateKeyInput{KeyName: "my-key", KeyType: "AES256", ProtectionType: "BASIC"})
			if err != nil || key == nil || key.KeyTag != "new" {
				t.Fatalf("got %+v, %v", key, err)
			}
			if got := methods(fs); got != "POST GET" {
				t.Errorf("requests %q, want \"POST GET\"", got)
			}
		})
	}
}

func TestCreateKey_ambiguousFailureWithoutKeyRetries(t *testing.T) {
	fs := createServer(t, serverError(503), func(w http.ResponseWriter) {
		writeSuccess(w, map[string]any{"keyTag": "second", "keyName": "my-key", "status": "ENABLE"})
	}, func() []map[string]any { return nil })
	client, _ := newTestClient(t, fs.endpoint())
	key, err := client.CreateKey(context.Background(), CreateKeyInput{KeyName: "my-key", KeyType: "AES256", ProtectionType: "BASIC"})
	if err != nil || key.KeyTag != "second" || methods(fs) != "POST GET POST" {
		t.Errorf("got %+v, %v after %q", key, err, methods(fs))
	}
}

// The lookup misses the key (the server had not finished), the retry gets 409: look again.
func TestCreateKey_conflictAfterAmbiguousFailureLooksAgain(t *testing.T) {
	var lookups atomic.Int32
	fs := createServer(t, serverError(500), func(w http.ResponseWriter) {
		writeJSON(w, http.StatusConflict, map[string]string{"code": "CONFLICT", "msg": "name in use"})
	}, func() []map[string]any {
		if lookups.Add(1) == 1 {
			return nil
		}
		return []map[string]any{{"keyTag": "late", "keyName": "my-key", "status": "ENABLE"}}
	})
	client, _ := newTestClient(t, fs.endpoint())
	key, err := client.CreateKey(context.Background(), CreateKeyInput{KeyName: "my-key", KeyType: "AES256", ProtectionType: "BASIC"})
	if err != nil || key.KeyTag != "late" || methods(fs) != "POST GET POST GET" {
		t.Errorf("got %+v, %v after %q", key, err, methods(fs))
	}
}

func TestCreateKey_plainConflictIsReturned(t *testing.T) {
	fs := createServer(t, func(w http.ResponseWriter) {
		writeJSON(w, http.StatusConflict, map[string]string{"code": "CONFLICT", "msg": "name in use"})
	}, nil, func() []map[string]any { return nil })
	client, _ := newTestClient(t, fs.endpoint())
	_, err := client.CreateKey(context.Background(), CreateKeyInput{KeyName: "my-key", KeyType: "AES256", ProtectionType: "BASIC"})
	if !IsConflict(err) || methods(fs) != "POST" {
		t.Errorf("got %v after %q", err, methods(fs))
	}
}

// A pending-deletion key of that name is not adopted; the create fails with 409.
func TestCreateKey_doesNotAdoptRevokedKey(t *testing.T) {
	fs := createServer(t, serverError(503), func(w http.ResponseWriter) {
		writeJSON(w, http.StatusConflict, map[string]string{"code": "CONFLICT", "msg": "name in use"})
	}, func() []map[string]any {
		return []map[string]any{{"keyTag": "old", "keyName": "my-key", "status": "REVOKE"}}
	})
	client, _ := newTestClient(t, fs.endpoint())
	key, err := client.CreateKey(context.Background(), CreateKeyInput{KeyName: "my-key", KeyType: "AES256", ProtectionType: "BASIC"})
	if !IsConflict(err) || key != nil || methods(fs) != "POST GET POST GET" {
		t.Errorf("got %+v, %v after %q", key, err, methods(fs))
	}
}

func TestCreateKey_exhaustedAmbiguousCreateSaysKeyMayExist(t *testing.T) {
	fs := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		serverError(503)(w) // the lookups fail too
	})
	client, _ := newTestClient(t, fs.endpoint(), func(c *Config) { c.MaxAttempts = 2 })
	_, err := client.CreateKey(context.Background(), CreateKeyInput{KeyName: "my-key", KeyType: "AES256", ProtectionType: "BASIC"})
	if err == nil || !strings.Contains(err.Error(), `"my-key" may have been created`) {
		t.Errorf("got %v", err)
	}
}

// Request-deletion whose first answer was lost: the retry's 422 is checked against the key.
func TestRequestDeletion_ambiguousThenInvalidStatus(t *testing.T) {
	fs := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case n == 1:
			dropConnection(t, w)
		case r.Method == http.MethodPost:
			writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"code": "UNPROCESSABLE_ENTITY", "msg": "Invalid status"})
		default:
			writeSuccess(w, map[string]any{"keyTag": "t1", "status": "REVOKE"})
		}
	})
	client, _ := newTestClient(t, fs.endpoint())
	change, err := client.RequestDeletion(context.Background(), "t1")
	if err != nil || change.Status != StatusRevoke || methods(fs) != "POST POST GET" {
		t.Errorf("got %+v, %v after %q", change, err, methods(fs))
	}
}

func TestDeleteKey_ambiguousThenNotFoundIsSuccess(t *testing.T) {
	fs := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			dropConnection(t, w)
			return
		}
		writeJSON(w, http.StatusNotFound, map[string]string{"code": "NOT_FOUND", "msg": "no such key"})
	})
	client, _ := newTestClient(t, fs.endpoint())
	if err := client.DeleteKey(context.Background(), "t1"); err != nil || fs.Count() != 2 {
		t.Errorf("got %v after %d requests", err, fs.Count())
	}
	// Without an earlier ambiguous attempt a 404 stays an error.
	fs2 := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, http.StatusNotFound, map[string]string{"code": "NOT_FOUND", "msg": "no such key"})
	})
	client2, _ := newTestClient(t, fs2.endpoint())
	if err := client2.DeleteKey(context.Background(), "t1"); !IsNotFound(err) {
		t.Errorf("got %v, want 404", err)
	}
}
