package kmsmock

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

// stage records a use through the helper endpoint and checks that it succeeded.
func stage(t *testing.T, c *testClient, query string) lastUse {
	t.Helper()
	got := c.send(c.request("POST", "/_mock/use?"+query, nil))
	var use lastUse
	if got.status != 200 || json.Unmarshal(got.body, &use) != nil {
		t.Fatalf("POST /_mock/use?%s: %d %s", query, got.status, got.body)
	}
	return use
}

func lastUseOf(t *testing.T, c *testClient, tag string) *lastUse {
	t.Helper()
	return fetch[*lastUse](t, c, "/kms/v1/keys/"+tag+"/last-use-info")
}

func TestLastUseNeverUsed(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "unused", RotationDays: 30})
	// lifecycle and management calls are not uses (§10)
	uri := "/kms/v1/keys/" + k.KeyTag
	c.call("PUT", uri+"/name", map[string]any{"keyName": "renamed"}).data(t, nil)
	c.call("PUT", uri+"/memo", map[string]any{"memo": "m"}).data(t, nil)
	c.call("POST", uri+"/rotate", nil).data(t, nil)
	c.call("POST", uri+"/versions/1/disable", nil).data(t, nil)
	c.call("PUT", uri+"/rotation-period", map[string]any{"rotationPeriod": 60}).data(t, nil)
	for _, action := range []string{"disable", "enable", "request-deletion", "cancel-deletion"} {
		c.call("POST", uri+"/"+action, nil).data(t, nil)
	}
	got := c.call("GET", uri+"/last-use-info", nil)
	if got.status != 200 || string(got.body) != `{"code":"SUCCESS","data":null}` {
		t.Fatalf("last-use-info of an unused key = %d %s", got.status, got.body)
	}
	var page activityPage
	c.call("GET", uri+"/activities", nil).data(t, &page)
	if page.TotalCount != 0 || page.ActivityLogList == nil {
		t.Fatalf("activities of an unused key = %+v, want an empty list", page)
	}
}

func TestLastUseAnswer(t *testing.T) {
	start := time.Date(2030, 3, 4, 5, 6, 7, 0, time.UTC)
	c := newTestClient(t, Options{Start: start})
	k := mustCreate(t, c.server, KeySpec{Name: "used"})
	staged := stage(t, c, "tag="+k.KeyTag+"&action=decrypt&type=API&ip=10.0.0.7&ago=1h")
	c.call("PUT", "/kms/v1/keys/"+k.KeyTag+"/name", map[string]any{"keyName": "later"}).data(t, nil)

	got := c.call("GET", "/kms/v1/keys/"+k.KeyTag+"/last-use-info", nil)
	sameFields(t, "last use", got.fieldNames(t), "timestamp", "data", "message")
	var raw struct {
		Data map[string]map[string]any `json:"data"`
	}
	got.data(t, &raw)
	var names []string
	for name := range raw.Data {
		names = append(names, name)
	}
	sameFields(t, "last use data", names, "kmsKey", "requestor", "api")
	for part, want := range map[string][]string{
		"kmsKey": {"keyTag", "keyName", "nrn"}, "requestor": {"requestType", "id", "ip"}, "api": {"action", "result"},
	} {
		names = names[:0]
		for name := range raw.Data[part] {
			names = append(names, name)
		}
		sameFields(t, "last use "+part, names, want...)
	}

	use := lastUseOf(t, c, k.KeyTag)
	if !reflect.DeepEqual(*use, staged) {
		t.Fatalf("last-use-info %+v differs from the staged answer %+v", use, staged)
	}
	at, err := time.Parse(time.RFC3339, use.Timestamp)
	if err != nil || !strings.HasSuffix(use.Timestamp, "+09:00") {
		t.Fatalf("timestamp %q: want RFC 3339 in +09:00 (%v)", use.Timestamp, err)
	}
	if d := start.Add(-time.Hour).Sub(at); d > 0 || d < -2*time.Second {
		t.Fatalf("timestamp %v, want an hour before the mock's start %v", at, start)
	}
	d := use.Data
	if d.KmsKey != (usedKey{k.KeyTag, "used", k.NRN}) || d.Requestor.RequestType != "API" || d.Requestor.ID != mockAccountID ||
		d.Requestor.IP == nil || *d.Requestor.IP != "10.0.0.7" || d.API != (lastUseAPI{"decrypt", "SUCCESS"}) || use.Message == "" {
		t.Fatalf("last use = %+v (the key name is the one it had when used)", use)
	}
}

func TestLastUseIsTheNewestOfAnyKind(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "rotating", RotationDays: 1})
	stage(t, c, "tag="+k.KeyTag+"&action=encrypt&type=CONSOLE&ip=192.0.2.1")
	stage(t, c, "tag="+k.KeyTag+"&action=sign&ip=192.0.2.2&ago=2h") // older: does not replace the newest
	if use := lastUseOf(t, c, k.KeyTag); use.Data.API.Action != "encrypt" || use.Data.Requestor.RequestType != "CONSOLE" {
		t.Fatalf("last use = %+v, want the CONSOLE encrypt", use)
	}

	c.server.AdvanceClock(25 * time.Hour) // one automatic rotation
	use := lastUseOf(t, c, k.KeyTag)
	if use.Data.Requestor != (requestor{RequestType: "SYSTEM", ID: "SYSTEM"}) || use.Data.API != (lastUseAPI{"rotate", "SUCCESS"}) {
		t.Fatalf("after an automatic rotation the last use = %+v, want SYSTEM rotate with a null ip", use)
	}
	if want := formatTimestamp(k.NextRotationDate); use.Timestamp != want {
		t.Fatalf("rotation logged at %s, want its due time %s", use.Timestamp, want)
	}
	body := string(c.call("GET", "/kms/v1/keys/"+k.KeyTag+"/last-use-info", nil).body)
	if !strings.Contains(body, `"ip":null`) || !strings.Contains(body, `"id":"SYSTEM"`) {
		t.Fatalf("SYSTEM use on the wire = %s", body)
	}
}

func TestAutomaticRotationLogsOneSystemUsePerVersion(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "jumping", RotationDays: 2})
	pending := mustCreate(t, c.server, KeySpec{Name: "pending", RotationDays: 1})
	requestDeletion(t, c.server, pending.KeyTag)
	disabled := mustCreate(t, c.server, KeySpec{Name: "disabled", RotationDays: 1})
	disableKey(t, c.server, disabled.KeyTag)

	c.server.AdvanceClock(5 * 24 * time.Hour) // two periods of the 2-day key
	uses, _ := c.server.Uses(k.KeyTag)
	if len(uses) != 2 {
		t.Fatalf("uses after two periods: %+v", uses)
	}
	for i, u := range uses { // newest first
		due := time.UnixMilli(k.NextRotationDate + int64(1-i)*2*dayMillis)
		if u.RequestType != "SYSTEM" || u.Action != "rotate" || u.IP != "" || !u.At.Equal(due) ||
			u.Message != fmt.Sprintf("Automatic rotation created version %d", 3-i) {
			t.Fatalf("use %d = %+v, want SYSTEM rotate at %v", i, u, due)
		}
	}
	if uses, _ := c.server.Uses(pending.KeyTag); len(uses) != 0 {
		t.Fatalf("a key pending deletion rotated: %+v", uses)
	}
	if uses, _ := c.server.Uses(disabled.KeyTag); len(uses) != 5 {
		t.Fatalf("a disabled key rotated %d times in 5 days, want 5", len(uses))
	}
}

func TestAutomaticRotationAtTheCapLogsNothing(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "full", RotationDays: 1})
	for range maxKeyVersions - 1 {
		if _, err := c.server.RotateKey(k.KeyTag); err != nil {
			t.Fatal(err)
		}
	}
	c.server.AdvanceClock(10 * 24 * time.Hour)
	info, _ := c.server.Key(k.KeyTag)
	uses, _ := c.server.Uses(k.KeyTag)
	if info.CurrentVersion != maxKeyVersions || len(uses) != 0 || info.NextRotationDate != k.NextRotationDate+10*dayMillis {
		t.Fatalf("at the cap: version %d, %d uses, next %d", info.CurrentVersion, len(uses), info.NextRotationDate)
	}
}

func activitiesOf(t *testing.T, c *testClient, tag, query string) activityPage {
	t.Helper()
	return fetch[activityPage](t, c, "/kms/v1/keys/"+tag+"/activities"+query)
}

func actions(page activityPage) string {
	var out []string
	for _, a := range page.ActivityLogList {
		out = append(out, a.Data.API.Action)
	}
	return strings.Join(out, ",")
}

func TestActivitiesAnswer(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "logged"})
	stage(t, c, "tag="+k.KeyTag+"&action=verify&type=CONSOLE&ip=2001:db8::1&id=sub-account-7")
	got := c.call("GET", "/kms/v1/keys/"+k.KeyTag+"/activities", nil)
	sameFields(t, "activities", got.fieldNames(t), "activityLogList", "pageSize", "currentPageNo", "totalPageNo", "totalCount")
	var raw struct {
		ActivityLogList []struct {
			Data map[string]map[string]any `json:"data"`
		} `json:"activityLogList"`
	}
	got.data(t, &raw)
	var names []string
	for name := range raw.ActivityLogList[0].Data["api"] {
		names = append(names, name)
	}
	sameFields(t, "activity api", names, "result", "action", "type")

	page := activitiesOf(t, c, k.KeyTag, "")
	a := page.ActivityLogList[0]
	if page.PageSize != 100 || page.CurrentPageNo != 1 || page.TotalPageNo != 1 || page.TotalCount != 1 ||
		a.Data.Requestor.RequestType != "CONSOLE" || a.Data.Requestor.ID != "sub-account-7" || *a.Data.Requestor.IP != "2001:db8::1" ||
		a.Data.API != (activityAPI{"SUCCESS", "verify", "CRYPTO"}) || a.Data.KmsKey.KeyTag != k.KeyTag || !strings.HasSuffix(a.Timestamp, "+09:00") {
		t.Fatalf("activities = %+v", page)
	}
}

func TestActivitiesPagingNewestFirst(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "paged"})
	for i := range 250 { // minute i ago, so the newest is i=0
		stage(t, c, fmt.Sprintf("tag=%s&action=%s&ago=%dm", k.KeyTag, cryptoActions[i%len(cryptoActions)], i))
	}
	var seen []string
	for pageNo := 1; pageNo <= 4; pageNo++ {
		page := activitiesOf(t, c, k.KeyTag, fmt.Sprintf("?pageNo=%d&pageSize=100", pageNo))
		want := []int{100, 100, 50, 0}[pageNo-1]
		if len(page.ActivityLogList) != want || page.TotalCount != 250 || page.TotalPageNo != 3 || page.CurrentPageNo != pageNo {
			t.Fatalf("page %d: %d items, %d/%d of %d", pageNo, len(page.ActivityLogList), page.CurrentPageNo, page.TotalPageNo, page.TotalCount)
		}
		for _, a := range page.ActivityLogList {
			seen = append(seen, a.Timestamp)
		}
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] >= seen[i-1] { // same zone and width: text order is time order
			t.Fatalf("entry %d (%s) is not older than entry %d (%s)", i, seen[i], i-1, seen[i-1])
		}
	}
	if page := activitiesOf(t, c, k.KeyTag, "?pageSize=200"); len(page.ActivityLogList) != 200 || page.PageSize != 200 {
		t.Fatalf("pageSize 200: %d items", len(page.ActivityLogList))
	}
}

func TestActivitiesFilter(t *testing.T) {
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	c := newTestClient(t, Options{Start: start})
	k := mustCreate(t, c.server, KeySpec{Name: "filtered"})
	stage(t, c, "tag="+k.KeyTag+"&action=encrypt&ago=49h&ip=10.0.0.1")
	stage(t, c, "tag="+k.KeyTag+"&action=decrypt&ago=25h&ip=10.0.0.2")
	stage(t, c, "tag="+k.KeyTag+"&action=sign&ago=23h&ip=10.0.0.3&type=CONSOLE")
	stage(t, c, "tag="+k.KeyTag+"&action=verify&ago=1h&ip=10.0.0.4")
	now := c.server.Now()
	ms := func(ago time.Duration) string { return fmt.Sprint(now.Add(-ago).UnixMilli()) }
	tests := []struct{ query, want string }{
		{"", "verify,sign"}, // default window: the last day
		{"?timestampFrom=0", "verify,sign,decrypt,encrypt"},
		{"?timestampFrom=" + ms(30*time.Hour) + "&timestampTo=" + ms(2*time.Hour), "sign,decrypt"},
		{"?timestampFrom=0&timestampTo=" + ms(25*time.Hour), "decrypt,encrypt"}, // bounds are inclusive (to the millisecond)
		{"?timestampTo=" + ms(2*time.Hour), "sign"},                             // from defaults to a day before now
		{"?timestampFrom=0&keyword=CONSOLE", "sign"},
		{"?timestampFrom=0&keyword=10.0.0.2", "decrypt"},
		{"?timestampFrom=0&keyword=CRYPT", "decrypt,encrypt"},
		{"?timestampFrom=0&keyword=nothing", ""},
		{"?timestampFrom=0&pageSize=3&pageNo=2", "encrypt"},
		{"?timestampFrom=&timestampTo=&keyword=", "verify,sign"}, // empty parameters count as absent
	}
	for _, tt := range tests {
		if got := actions(activitiesOf(t, c, k.KeyTag, tt.query)); got != tt.want {
			t.Errorf("activities%s = %q, want %q", tt.query, got, tt.want)
		}
	}
}

func TestActivitiesRejectBadParameters(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "strict"})
	for query, field := range map[string]string{
		"pageNo=0": "pageNo", "pageSize=201": "pageSize", "pageSize=x": "pageSize",
		"timestampFrom=yesterday": "timestampFrom", "timestampFrom=-1": "timestampFrom", "timestampTo=1.5": "timestampTo",
		"timestampFrom=2000&timestampTo=1000": "timestampFrom",
	} {
		c.call("GET", "/kms/v1/keys/"+k.KeyTag+"/activities?"+query, nil).failed(t, 400, "INVALID_REQUEST", field)
	}
	c.call("GET", "/kms/v1/keys/"+k.KeyTag+"/activities?timestampFrom=1000&timestampTo=1000", nil).data(t, nil)
}

func TestActivityLogKeepsTheNewest10000(t *testing.T) {
	s, _ := newTestStore()
	k := mustStoreCreate(t, s, KeySpec{Name: "chatty"})
	for i := range maxLoggedUses + 5 {
		if _, err := s.recordUse(k.tag, time.Duration(maxLoggedUses+5-i)*time.Millisecond, "API", mockAccountID, "10.0.0.1", "encrypt"); err != nil {
			t.Fatal(err)
		}
	}
	uses, _ := s.uses(k.tag)
	if len(uses) != maxLoggedUses {
		t.Fatalf("%d uses kept, want %d", len(uses), maxLoggedUses)
	}
	// a use staged further back than everything kept sorts last
	if _, err := s.recordUse(k.tag, time.Hour, "API", mockAccountID, "10.0.0.9", "sign"); err != nil {
		t.Fatal(err)
	}
	uses, _ = s.uses(k.tag)
	if len(uses) != maxLoggedUses || uses[len(uses)-1].Action != "encrypt" || uses[0].Action != "encrypt" {
		t.Fatalf("after an older use at the cap: newest %+v oldest %+v", uses[0], uses[len(uses)-1])
	}
}

func TestMockUseHelper(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "staged"})
	use := stage(t, c, "tag="+strings.ToUpper(k.KeyTag)+"&action=get-pub-key") // defaults: API, the caller's address, now
	if use.Data.Requestor.RequestType != "API" || *use.Data.Requestor.IP != "127.0.0.1" || use.Data.Requestor.ID != mockAccountID {
		t.Fatalf("defaults = %+v", use.Data.Requestor)
	}
	if len(c.server.Journal()) != 0 {
		t.Fatalf("the helper was journaled: %+v", c.server.Journal())
	}
	tests := []struct {
		query        string
		status       int
		code, detail string
	}{
		{"action=encrypt", 400, "INVALID_REQUEST", "tag"},
		{"tag=" + unknownTag + "&action=encrypt", 404, "NOT_FOUND", unknownTag},
		{"tag=" + k.KeyTag, 400, "INVALID_REQUEST", "action"},
		{"tag=" + k.KeyTag + "&action=rotate", 400, "INVALID_REQUEST", "action"},
		{"tag=" + k.KeyTag + "&action=rename", 400, "INVALID_REQUEST", "action"},
		{"tag=" + k.KeyTag + "&action=encrypt&type=SYSTEM", 400, "INVALID_REQUEST", "type"},
		{"tag=" + k.KeyTag + "&action=encrypt&type=api", 400, "INVALID_REQUEST", "type"},
		{"tag=" + k.KeyTag + "&action=encrypt&ip=10.0.0", 400, "INVALID_REQUEST", "ip"},
		{"tag=" + k.KeyTag + "&action=encrypt&ago=1d", 400, "INVALID_REQUEST", "ago"},
		{"tag=" + k.KeyTag + "&action=encrypt&ago=-1h", 400, "INVALID_REQUEST", "ago"},
	}
	for _, tt := range tests {
		c.send(c.request("POST", "/_mock/use?"+tt.query, nil)).failed(t, tt.status, tt.code, tt.detail)
	}
	c.send(c.request("GET", "/_mock/use?tag="+k.KeyTag+"&action=encrypt", nil)).failed(t, 405, "METHOD_NOT_ALLOWED", "POST")
	if uses, _ := c.server.Uses(k.KeyTag); len(uses) != 1 {
		t.Fatalf("refused helper calls recorded uses: %+v", uses)
	}
}

func TestRecordUse(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "direct"})
	hourAgo := c.server.Now().Add(-time.Hour)
	if err := c.server.RecordUse(k.KeyTag, Use{At: hourAgo, RequestType: "API", IP: "10.0.0.7", Action: "decrypt"}); err != nil {
		t.Fatal(err)
	}
	uses, _ := c.server.Uses(k.KeyTag)
	if len(uses) != 1 || uses[0].At.Sub(hourAgo).Abs() > time.Second || uses[0].AccountID != mockAccountID || uses[0].Result != "SUCCESS" {
		t.Fatalf("uses = %+v", uses)
	}
	for _, bad := range []Use{
		{RequestType: "API", IP: "10.0.0.7", Action: "decrypt", At: c.server.Now().Add(time.Hour)},
		{RequestType: "SYSTEM", IP: "10.0.0.7", Action: "decrypt"},
		{RequestType: "API", Action: "decrypt"},
		{RequestType: "API", IP: "10.0.0.7", Action: "delete"},
	} {
		if err := c.server.RecordUse(k.KeyTag, bad); err == nil {
			t.Errorf("RecordUse(%+v) succeeded", bad)
		}
	}
	wantStatus(t, c.server.RecordUse(unknownTag, Use{RequestType: "API", IP: "10.0.0.7", Action: "decrypt"}), http.StatusNotFound)
	if _, err := c.server.Uses(unknownTag); err == nil {
		t.Fatal("Uses of an unknown key succeeded")
	}
}

// The helper's query is plain URL encoding: an IPv6 address needs no escaping beyond that.
func TestMockUseHelperEscaping(t *testing.T) {
	c := newTestClient(t, Options{})
	k := mustCreate(t, c.server, KeySpec{Name: "escaped"})
	q := url.Values{"tag": {k.KeyTag}, "action": {"re-encrypt"}, "ip": {"::1"}, "id": {"a b&c"}}
	use := stage(t, c, q.Encode())
	if *use.Data.Requestor.IP != "::1" || use.Data.Requestor.ID != "a b&c" || use.Data.API.Action != "re-encrypt" {
		t.Fatalf("use = %+v", use)
	}
}
