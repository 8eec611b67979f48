package kmsmock

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func sameFields(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("%s fields = %v, want %v", what, got, want)
	}
}

func TestCreateKeyAnswer(t *testing.T) {
	start := time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)
	c := newTestClient(t, Options{Start: start})
	got := c.call("POST", "/kms/v1/keys", createBody(map[string]any{
		"keyName": "Rotating", "memo": "메모", "isAutoRotation": true, "rotationPeriod": 30, "isConvergent": true,
	}))
	sameFields(t, "create answer", got.fieldNames(t), "keyId", "keyTag", "keyName", "keyType", "status", "keystoreId",
		"protectionType", "memo", "isConvergent", "isAutoRotation", "rotationPeriod", "nextRotationDate", "registerDate")
	var k Key
	got.data(t, &k)
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(k.KeyTag) {
		t.Fatalf("key tag %q is not 64 lower-case hex characters", k.KeyTag)
	}
	if k.KeyName != "Rotating" || k.KeyType != "AES256" || k.Status != "ENABLE" || k.ProtectionType != "BASIC" ||
		k.Memo != "메모" || !k.IsConvergent || !k.IsAutoRotation || k.RotationPeriod != 30 || k.KeystoreID != mockKeystoreID {
		t.Fatalf("create answer = %+v", k)
	}
	if d := k.RegisterDate - start.UnixMilli(); d < 0 || d > 1000 {
		t.Fatalf("registerDate %d is not the mock clock (%d)", k.RegisterDate, start.UnixMilli())
	}
	if k.NextRotationDate != k.RegisterDate+30*dayMillis {
		t.Fatalf("nextRotationDate = %d, want registerDate + 30 days", k.NextRotationDate)
	}
}

func TestCreateKeyDefaults(t *testing.T) {
	c := newTestClient(t, Options{})
	var manual, rotating Key
	c.call("POST", "/kms/v1/keys", createBody(nil)).data(t, &manual)
	if manual.IsAutoRotation || manual.RotationPeriod != 0 || manual.NextRotationDate != 0 || manual.Memo != "" || manual.IsConvergent {
		t.Fatalf("key without rotation = %+v", manual)
	}
	c.call("POST", "/kms/v1/keys", createBody(map[string]any{"keyName": "beta", "isAutoRotation": true})).data(t, &rotating)
	if rotating.RotationPeriod != 90 || rotating.NextRotationDate != rotating.RegisterDate+90*dayMillis {
		t.Fatalf("auto-rotation without a period = %+v, want 90 days", rotating)
	}
	if rotating.KeyID != manual.KeyID+1 {
		t.Fatalf("key ids %d then %d, want consecutive", manual.KeyID, rotating.KeyID)
	}
}

func TestGetKeyAnswer(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "info", Type: "RSA2048", ProtectionType: "COMMON_HSM", Memo: "m", RotationDays: 7})
	got := c.call("GET", "/kms/v1/keys/"+k.KeyTag, nil)
	sameFields(t, "key info", got.fieldNames(t), "keyId", "keyTag", "keyName", "nrn", "baseUrl", "keyType", "status",
		"keystoreId", "currentVersion", "protectionType", "memo", "isConvergent", "isAutoRotation", "rotationPeriod",
		"nextRotationDate", "registerDate", "destroyDate")
	var info Key
	got.data(t, &info)
	if info != k {
		t.Fatalf("GET = %+v\nwant %+v", info, k)
	}
	if want := fmt.Sprintf("nrn:PUB:KMS::%d:Key/%d", mockKeystoreID, k.KeyID); info.NRN != want || info.CurrentVersion != 1 {
		t.Fatalf("nrn %q version %d, want %q and 1", info.NRN, info.CurrentVersion, want)
	}
	// v3 documents tags as case-insensitive
	c.call("GET", "/kms/v1/keys/"+strings.ToUpper(k.KeyTag), nil).data(t, nil)
}

func TestListItemFields(t *testing.T) {
	c := newTestClient(t, Options{})
	mustCreate(t, c.server, KeySpec{Name: "listed", Memo: "not listed"})
	var page struct {
		KeyList []map[string]any `json:"keyList"`
	}
	got := c.call("GET", "/kms/v1/keys", nil)
	sameFields(t, "list data", got.fieldNames(t), "keyList", "currentPageNo", "totalPageNo", "totalCount")
	got.data(t, &page)
	var names []string
	for name := range page.KeyList[0] {
		names = append(names, name)
	}
	sameFields(t, "list item", names, "keyId", "keyTag", "keyName", "keyType", "status", "protectionType",
		"isConvergent", "registerDate", "destroyDate")
}

func TestEmptyListIsAnArray(t *testing.T) {
	c := newTestClient(t, Options{})
	got := c.call("GET", "/kms/v1/keys", nil)
	if !strings.Contains(string(got.body), `"keyList":[]`) || !strings.Contains(string(got.body), `"totalCount":0`) {
		t.Fatalf("empty list = %s", got.body)
	}
}

func TestPaging450Keys(t *testing.T) {
	c := newTestClient(t, Options{})
	var created []string
	for i := range 450 {
		created = append(created, mustCreate(t, c.server, KeySpec{Name: fmt.Sprintf("key%03d", i)}).KeyTag)
	}
	type page struct {
		KeyList       []Key `json:"keyList"`
		CurrentPageNo int   `json:"currentPageNo"`
		TotalPageNo   int   `json:"totalPageNo"`
		TotalCount    int   `json:"totalCount"`
	}
	collect := func(pageSize, wantPages int, wantSizes ...int) {
		t.Helper()
		var seen []string
		for pageNo := 1; pageNo <= wantPages+1; pageNo++ {
			var p page
			c.call("GET", fmt.Sprintf("/kms/v1/keys?pageNo=%d&pageSize=%d", pageNo, pageSize), nil).data(t, &p)
			if p.CurrentPageNo != pageNo || p.TotalPageNo != wantPages || p.TotalCount != 450 {
				t.Fatalf("pageSize %d page %d: %d/%d of %d", pageSize, pageNo, p.CurrentPageNo, p.TotalPageNo, p.TotalCount)
			}
			wantSize := 0 // the page after the last is empty
			if pageNo <= wantPages {
				wantSize = wantSizes[pageNo-1]
			}
			if len(p.KeyList) != wantSize {
				t.Fatalf("pageSize %d page %d has %d keys, want %d", pageSize, pageNo, len(p.KeyList), wantSize)
			}
			for _, k := range p.KeyList {
				seen = append(seen, k.KeyTag)
			}
		}
		if !slices.Equal(seen, created) {
			t.Fatalf("pageSize %d: pages do not give the keys once each in creation order", pageSize)
		}
	}
	collect(200, 3, 200, 200, 50)
	collect(100, 5, 100, 100, 100, 100, 50)
	collect(1, 450, slices.Repeat([]int{1}, 450)...)

	var def page
	c.call("GET", "/kms/v1/keys", nil).data(t, &def)
	if len(def.KeyList) != 100 || def.CurrentPageNo != 1 || def.TotalPageNo != 5 {
		t.Fatalf("defaults: %d keys, page %d of %d; want 100, 1 of 5", len(def.KeyList), def.CurrentPageNo, def.TotalPageNo)
	}
}

func TestPagingRejectsBadParameters(t *testing.T) {
	c := newTestClient(t, Options{})
	for query, field := range map[string]string{
		"pageNo=0": "pageNo", "pageNo=-1": "pageNo", "pageNo=x": "pageNo", "pageNo=1.5": "pageNo",
		"pageSize=0": "pageSize", "pageSize=201": "pageSize", "pageSize=ten": "pageSize",
	} {
		c.call("GET", "/kms/v1/keys?"+query, nil).failed(t, 400, "INVALID_REQUEST", field)
	}
	for _, query := range []string{"pageSize=200", "pageSize=1", "pageNo=99", "pageNo=&pageSize=", "other=1"} {
		c.call("GET", "/kms/v1/keys?"+query, nil).data(t, nil)
	}
}

func TestCreateValidationOverHTTP(t *testing.T) {
	c := newTestClient(t, Options{})
	tests := []struct {
		name  string
		body  any
		field string
	}{
		{"no keyName", createBody(map[string]any{"keyName": nil}), "keyName"},
		{"keyName too short", createBody(map[string]any{"keyName": "ab"}), "keyName"},
		{"keyName not a string", createBody(map[string]any{"keyName": 123}), "keyName"},
		{"keyType unknown", createBody(map[string]any{"keyType": "DES"}), "keyType"},
		{"keyType missing", createBody(map[string]any{"keyType": nil}), "keyType"},
		{"protectionType missing", createBody(map[string]any{"protectionType": nil}), "protectionType"},
		{"protectionType unknown", createBody(map[string]any{"protectionType": "CLOUD_HSM"}), "protectionType"},
		{"isAutoRotation missing", createBody(map[string]any{"isAutoRotation": nil}), "isAutoRotation"},
		{"isAutoRotation a string", createBody(map[string]any{"isAutoRotation": "true"}), "isAutoRotation"},
		{"rotationPeriod with rotation off", createBody(map[string]any{"rotationPeriod": 30}), "rotationPeriod"},
		{"rotationPeriod 0", createBody(map[string]any{"isAutoRotation": true, "rotationPeriod": 0}), "rotationPeriod"},
		{"rotationPeriod 731", createBody(map[string]any{"isAutoRotation": true, "rotationPeriod": 731}), "rotationPeriod"},
		{"rotationPeriod fractional", createBody(map[string]any{"isAutoRotation": true, "rotationPeriod": 1.5}), "rotationPeriod"},
		{"memo 101 runes", createBody(map[string]any{"memo": strings.Repeat("가", 101)}), "memo"},
		{"convergent RSA", createBody(map[string]any{"keyType": "RSA2048", "isConvergent": true}), "isConvergent"},
		{"malformed JSON", `{"keyName": "alpha",`, "Malformed JSON"},
		{"not an object", `["alpha"]`, "Malformed JSON"},
		{"empty body", "", "Malformed JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.call("POST", "/kms/v1/keys", tt.body).failed(t, 400, "INVALID_REQUEST", tt.field)
		})
	}
	if n := len(c.server.Keys()); n != 0 {
		t.Fatalf("refused creates left %d keys", n)
	}
	// accepted edges: 100 runes, unknown fields, JSON nulls as absent fields
	c.call("POST", "/kms/v1/keys", createBody(map[string]any{"memo": strings.Repeat("가", 100), "unknownField": []int{1}})).data(t, nil)
	c.call("POST", "/kms/v1/keys", `{"keyName":"nullPeriod","keyType":"ECDSA","isAutoRotation":false,"protectionType":"BASIC","rotationPeriod":null,"memo":null}`).data(t, nil)
}

func TestUpdateValidationOverHTTP(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "target", RotationDays: 10})
	uri := "/kms/v1/keys/" + k.KeyTag
	c.call("PUT", uri+"/name", map[string]any{}).failed(t, 400, "INVALID_REQUEST", "keyName")
	c.call("PUT", uri+"/name", map[string]any{"keyName": "9lives"}).failed(t, 400, "INVALID_REQUEST", "keyName")
	c.call("PUT", uri+"/name", "{").failed(t, 400, "INVALID_REQUEST", "Malformed JSON")
	c.call("PUT", uri+"/memo", map[string]any{}).failed(t, 400, "INVALID_REQUEST", "memo")
	c.call("PUT", uri+"/memo", map[string]any{"memo": strings.Repeat("x", 101)}).failed(t, 400, "INVALID_REQUEST", "memo")
	c.call("PUT", uri+"/rotation-period", map[string]any{}).failed(t, 400, "INVALID_REQUEST", "rotationPeriod")
	c.call("PUT", uri+"/rotation-period", map[string]any{"rotationPeriod": 0}).failed(t, 400, "INVALID_REQUEST", "rotationPeriod")
	c.call("PUT", uri+"/rotation-period", map[string]any{"rotationPeriod": 731}).failed(t, 400, "INVALID_REQUEST", "rotationPeriod")
	c.call("PUT", uri+"/rotation-period", map[string]any{"rotationPeriod": "30"}).failed(t, 400, "INVALID_REQUEST", "rotationPeriod")
	if after, _ := c.server.Key(k.KeyTag); after != k {
		t.Fatalf("refused updates changed the key: %+v", after)
	}
}

func TestUpdateAnswers(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "answers"})
	uri := "/kms/v1/keys/" + k.KeyTag

	got := c.call("PUT", uri+"/name", map[string]any{"keyName": "renamed", "extra": true})
	sameFields(t, "rename", got.fieldNames(t), "keyTag", "keyName")
	got = c.call("PUT", uri+"/memo", map[string]any{"memo": "새 메모"})
	sameFields(t, "memo", got.fieldNames(t), "keyTag", "memo")
	got = c.call("POST", uri+"/enable-auto-rotation", nil)
	sameFields(t, "enable-auto-rotation", got.fieldNames(t), "keyTag", "isAutoRotation", "rotationPeriod", "nextRotationDate")
	var rotation struct {
		IsAutoRotation   bool
		RotationPeriod   int64
		NextRotationDate int64
	}
	got.data(t, &rotation)
	if !rotation.IsAutoRotation || rotation.RotationPeriod != 90 {
		t.Fatalf("first enable-auto-rotation = %+v, want 90 days", rotation)
	}
	got = c.call("PUT", uri+"/rotation-period", map[string]any{"rotationPeriod": 14})
	sameFields(t, "rotation-period", got.fieldNames(t), "keyTag", "rotationPeriod", "nextRotationDate")
	got = c.call("POST", uri+"/disable-auto-rotation", nil)
	sameFields(t, "disable-auto-rotation", got.fieldNames(t), "keyTag", "isAutoRotation")
	got = c.call("POST", uri+"/enable-auto-rotation", nil)
	got.data(t, &rotation)
	if rotation.RotationPeriod != 14 {
		t.Fatalf("enable-auto-rotation after a pause = %+v, want the last period 14", rotation)
	}
	for _, action := range []string{"disable", "enable", "request-deletion", "cancel-deletion"} {
		sameFields(t, action, c.call("POST", uri+"/"+action, nil).fieldNames(t), "keyTag", "status", "statusDate")
	}
	c.call("POST", uri+"/request-deletion", nil).data(t, nil)
	got = c.call("DELETE", uri, nil)
	if got.status != 200 || string(got.body) != `{"code":"SUCCESS","data":null}` {
		t.Fatalf("DELETE = %d %s", got.status, got.body)
	}

	final := c.server.Keys()
	if len(final) != 0 {
		t.Fatalf("keys after DELETE: %+v", final)
	}
}

func TestRenameKeepsTagAndUpdatesModel(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "before"})
	c.call("PUT", "/kms/v1/keys/"+k.KeyTag+"/name", map[string]any{"keyName": "after"}).data(t, nil)
	c.call("PUT", "/kms/v1/keys/"+k.KeyTag+"/memo", map[string]any{"memo": ""}).data(t, nil)
	got, ok := c.server.Key(k.KeyTag)
	if !ok || got.KeyName != "after" || got.KeyTag != k.KeyTag || got.Memo != "" {
		t.Fatalf("after rename: %+v", got)
	}
}

func TestNameConflicts(t *testing.T) {
	c := newTestClient(t, Options{})
	var alpha Key
	c.call("POST", "/kms/v1/keys", createBody(map[string]any{"keyName": "alpha"})).data(t, &alpha)
	c.call("POST", "/kms/v1/keys", createBody(map[string]any{"keyName": "ALPHA"})).failed(t, 409, "CONFLICT", "ALPHA")

	beta := mustCreate(t, c.server, KeySpec{Name: "beta"})
	c.call("PUT", "/kms/v1/keys/"+beta.KeyTag+"/name", map[string]any{"keyName": "aLpHa"}).failed(t, 409, "CONFLICT", "aLpHa")
	c.call("PUT", "/kms/v1/keys/"+beta.KeyTag+"/name", map[string]any{"keyName": "beta"}).data(t, nil)
	c.call("PUT", "/kms/v1/keys/"+beta.KeyTag+"/name", map[string]any{"keyName": "BETA"}).data(t, nil) // its own name, new case

	// a key pending deletion still holds its name
	c.call("POST", "/kms/v1/keys/"+alpha.KeyTag+"/request-deletion", nil).data(t, nil)
	c.call("POST", "/kms/v1/keys", createBody(map[string]any{"keyName": "Alpha"})).failed(t, 409, "CONFLICT", "Alpha")
	c.call("PUT", "/kms/v1/keys/"+beta.KeyTag+"/name", map[string]any{"keyName": "alpha"}).failed(t, 409, "CONFLICT", "alpha")

	// once finally deleted, the name is free
	c.call("DELETE", "/kms/v1/keys/"+alpha.KeyTag, nil).data(t, nil)
	c.call("POST", "/kms/v1/keys", createBody(map[string]any{"keyName": "Alpha"})).data(t, nil)
}

func TestPendingKeyExpiresAfter72Hours(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "doomed"})
	other := mustCreate(t, c.server, KeySpec{Name: "survivor"})
	var change statusChange
	c.call("POST", "/kms/v1/keys/"+k.KeyTag+"/request-deletion", nil).data(t, &change)
	pending, _ := c.server.Key(k.KeyTag)
	if pending.Status != statusRevoke || pending.DestroyDate != change.StatusDate+72*time.Hour.Milliseconds() {
		t.Fatalf("pending key = %+v, want REVOKE with destroyDate 72h after %d", pending, change.StatusDate)
	}

	c.server.AdvanceClock(72*time.Hour - time.Second)
	c.call("GET", "/kms/v1/keys/"+k.KeyTag, nil).data(t, nil)
	if n := listCount(t, c); n != 2 {
		t.Fatalf("before destroyDate the list has %d keys, want 2", n)
	}

	c.server.AdvanceClock(time.Second)
	c.call("GET", "/kms/v1/keys/"+k.KeyTag, nil).failed(t, 404, "NOT_FOUND", "")
	c.call("POST", "/kms/v1/keys/"+k.KeyTag+"/cancel-deletion", nil).failed(t, 404, "NOT_FOUND", "")
	if n := listCount(t, c); n != 1 {
		t.Fatalf("after destroyDate the list has %d keys, want 1", n)
	}
	if keys := c.server.Keys(); len(keys) != 1 || keys[0].KeyTag != other.KeyTag {
		t.Fatalf("Keys() = %+v, want only the survivor", keys)
	}
	c.call("POST", "/kms/v1/keys", createBody(map[string]any{"keyName": "doomed"})).data(t, nil)
}

func TestCancelledDeletionDoesNotExpire(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "saved"})
	c.call("POST", "/kms/v1/keys/"+k.KeyTag+"/request-deletion", nil).data(t, nil)
	c.call("POST", "/kms/v1/keys/"+k.KeyTag+"/cancel-deletion", nil).data(t, nil)
	c.server.AdvanceClock(100 * time.Hour)
	var info Key
	c.call("GET", "/kms/v1/keys/"+k.KeyTag, nil).data(t, &info)
	if info.Status != statusDisable || info.DestroyDate != 0 {
		t.Fatalf("cancelled key = %+v, want DISABLE without destroyDate", info)
	}
}

func listCount(t *testing.T, c *testClient) int {
	t.Helper()
	var p struct{ TotalCount int }
	c.call("GET", "/kms/v1/keys", nil).data(t, &p)
	return p.TotalCount
}

func TestDateHeaderFollowsTheGatewayClock(t *testing.T) {
	start := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	c := newTestClient(t, Options{Start: start})
	dateOf := func(r reply) time.Time {
		t.Helper()
		d, err := http.ParseTime(r.header.Get("Date"))
		if err != nil {
			t.Fatalf("Date %q: %v", r.header.Get("Date"), err)
		}
		return d
	}
	if d := dateOf(c.call("GET", "/kms/v1/keys", nil)); d.Sub(start) < 0 || d.Sub(start) > 2*time.Second {
		t.Fatalf("Date = %v, want about %v", d, start)
	}
	// Advancing moves the model, not the gateway: Date stays what clients must sign with.
	c.server.AdvanceClock(48 * time.Hour)
	if d := dateOf(c.call("GET", "/kms/v1/keys/"+unknownTag, nil)); d.Sub(start) < 0 || d.Sub(start) > 2*time.Second {
		t.Fatalf("Date after advancing 48h = %v, want about %v", d, start)
	}
}

func TestEveryAnswerHasARequestID(t *testing.T) {
	c := newTestClient(t, Options{})
	seen := map[string]bool{}
	for _, uri := range []string{"/kms/v1/keys", "/kms/v1/keys/" + unknownTag, "/kms/v1/nothing", "/elsewhere", "/_mock/journal"} {
		id := c.call("GET", uri, nil).header.Get("x-ncp-request-id")
		if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(id) || seen[id] {
			t.Fatalf("%s: request id %q missing, malformed or repeated", uri, id)
		}
		seen[id] = true
	}
}

func TestUnknownRoutesAndMethods(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "routes"})
	for _, uri := range []string{"/kms/v1", "/kms/v1/", "/kms/v1/keys/", "/kms/v1/keys/" + k.KeyTag + "/rotate-everything", "/kms/v1/keys/a/b/c", "/kms/v1/other"} {
		c.call("POST", uri, nil).failed(t, 404, "NOT_FOUND", "No such API")
	}
	c.call("GET", "/kms/v1/keys/"+k.KeyTag+"/", nil).failed(t, 404, "NOT_FOUND", "No such API")
	got := c.call("PATCH", "/kms/v1/keys/"+k.KeyTag, nil)
	got.failed(t, 405, "METHOD_NOT_ALLOWED", "PATCH")
	if allow := got.header.Get("Allow"); allow != "DELETE, GET" {
		t.Fatalf("Allow = %q", allow)
	}
	c.call("GET", "/kms/v1/keys/"+k.KeyTag+"/enable", nil).failed(t, 405, "METHOD_NOT_ALLOWED", "GET")
	c.call("PUT", "/kms/v1/keys", nil).failed(t, 405, "METHOD_NOT_ALLOWED", "PUT")
	// outside /kms/v1: no signature needed, plain 404, not journaled
	req := c.request("GET", "/kms/v2/keys", nil)
	c.send(req).failed(t, 404, "NOT_FOUND", "/kms/v2/keys")
	for _, call := range c.server.Journal() {
		if !strings.HasPrefix(call.Path, "/kms/v1") {
			t.Fatalf("journaled a call outside /kms/v1: %+v", call)
		}
	}
}

// TestUnsignedRoutesAreRefusedFirst: the gateway checks the signature before it looks at the path.
func TestUnsignedRoutesAreRefusedFirst(t *testing.T) {
	c := newTestClient(t, Options{})
	for _, uri := range []string{"/kms/v1/keys", "/kms/v1/keys/" + unknownTag, "/kms/v1/nothing"} {
		if got := c.send(c.request("GET", uri, nil)); got.status != 401 {
			t.Fatalf("unsigned %s: %d, want 401", uri, got.status)
		}
	}
}
