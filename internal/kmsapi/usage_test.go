package kmsapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

// Get Latest Use Info in the spellings and types the docs leave open.
func TestLastUseInfo_decodesEveryShape(t *testing.T) {
	tests := []struct {
		name string
		data string
		want KeyUse
	}{
		{"never used", `null`, KeyUse{}},
		{"documented shape",
			`{"timestamp":"2030-01-02T03:04:05.678+09:00","data":{"kmsKey":{"keyTag":"t1","keyName":"app","nrn":"nrn:x"},` +
				`"requestor":{"requestType":"API","id":"2000001","ip":"10.0.0.7"},"api":{"action":"decrypt","result":"SUCCESS"}},"message":"m"}`,
			KeyUse{Time: time.Date(2030, 1, 1, 18, 4, 5, 678e6, time.UTC), Timestamp: "2030-01-02T03:04:05.678+09:00", KeyTag: "t1", KeyName: "app",
				NRN: "nrn:x", RequestType: "API", AccountID: "2000001", IP: "10.0.0.7", Action: "decrypt", Result: "SUCCESS", Message: "m"}},
		{"KmsKey spelling, numeric id, null ip, epoch milliseconds",
			`{"timestamp":1893456000000,"data":{"KmsKey":{"keyTag":"t1"},"requestor":{"requestType":"SYSTEM","id":12,"ip":null},"api":{"action":"rotate"}}}`,
			KeyUse{Time: time.UnixMilli(1893456000000).UTC(), Timestamp: "1893456000000", KeyTag: "t1", RequestType: "SYSTEM", AccountID: "12", Action: "rotate"}},
		{"offset without a colon", `{"timestamp":"2030-01-02T03:04:05+0900"}`,
			KeyUse{Time: time.Date(2030, 1, 1, 18, 4, 5, 0, time.UTC), Timestamp: "2030-01-02T03:04:05+0900"}},
		{"unreadable time", `{"timestamp":"yesterday"}`, KeyUse{Timestamp: "yesterday"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				_, _ = fmt.Fprintf(w, `{"code":"SUCCESS","data":%s}`, tt.data)
			})
			client, _ := newTestClient(t, fs.endpoint())
			use, err := client.LastUseInfo(context.Background(), "t1")
			if err != nil {
				t.Fatal(err)
			}
			if got := fs.Requests()[0]; got.Method != "GET" || got.RequestURI != "/kms/v1/keys/t1/last-use-info" {
				t.Errorf("sent %s %s", got.Method, got.RequestURI)
			}
			if tt.data == "null" {
				if use != nil {
					t.Errorf("never used: %+v, want nil", use)
				}
				return
			}
			if !use.Time.Equal(tt.want.Time) {
				t.Errorf("time %v, want %v", use.Time, tt.want.Time)
			}
			use.Time, tt.want.Time = time.Time{}, time.Time{}
			if *use != tt.want {
				t.Errorf("use = %+v\nwant  %+v", *use, tt.want)
			}
		})
	}
}

// activityServer serves count entries one second apart, newest first, honouring pageNo, pageSize
// and timestampTo like the API.
func activityServer(t *testing.T, count int, newest time.Time) *fakeServer {
	return newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		q := r.URL.Query()
		pageNo, _ := strconv.Atoi(q.Get("pageNo"))
		pageSize, _ := strconv.Atoi(q.Get("pageSize"))
		var all []map[string]any
		for i := range count {
			at := newest.Add(-time.Duration(i) * time.Second)
			if to := q.Get("timestampTo"); to != "" {
				if ms, _ := strconv.ParseInt(to, 10, 64); at.UnixMilli() > ms {
					continue
				}
			}
			all = append(all, map[string]any{"timestamp": at.Format(time.RFC3339), "data": map[string]any{
				"api": map[string]any{"action": "encrypt", "type": "CRYPTO"}, "requestor": map[string]any{"requestType": "API", "ip": fmt.Sprint(i)}}})
		}
		from := min((pageNo-1)*pageSize, len(all))
		writeSuccess(w, map[string]any{"activityLogList": all[from:min(from+pageSize, len(all))], "pageSize": pageSize,
			"currentPageNo": pageNo, "totalPageNo": (len(all) + pageSize - 1) / pageSize, "totalCount": len(all)})
	})
}

func TestActivities_allPagesWithTheFilter(t *testing.T) {
	newest := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := activityServer(t, 450, newest)
	client, _ := newTestClient(t, fs.endpoint())
	from := newest.Add(-48 * time.Hour)
	uses, err := client.Activities(context.Background(), "t1", ActivityFilter{From: from, Keyword: "a b&c"})
	if err != nil {
		t.Fatal(err)
	}
	if len(uses) != 450 || uses[0].IP != "0" || uses[449].IP != "449" || uses[0].Type != "CRYPTO" || !uses[0].Time.Equal(newest) {
		t.Fatalf("%d uses, first %+v", len(uses), uses[0])
	}
	// the pages after the first are pinned to the end of the first entry's second
	pinned := strconv.FormatInt(newest.Add(999*time.Millisecond).UnixMilli(), 10)
	want := []string{
		fmt.Sprintf("/kms/v1/keys/t1/activities?keyword=a+b%%26c&pageNo=1&pageSize=200&timestampFrom=%d", from.UnixMilli()),
		fmt.Sprintf("/kms/v1/keys/t1/activities?keyword=a+b%%26c&pageNo=2&pageSize=200&timestampFrom=%d&timestampTo=%s", from.UnixMilli(), pinned),
		fmt.Sprintf("/kms/v1/keys/t1/activities?keyword=a+b%%26c&pageNo=3&pageSize=200&timestampFrom=%d&timestampTo=%s", from.UnixMilli(), pinned),
	}
	got := fs.Requests()
	if len(got) != len(want) {
		t.Fatalf("%d requests, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Method != "GET" || got[i].RequestURI != want[i] {
			t.Errorf("request %d: %s %s, want GET %s", i, got[i].Method, got[i].RequestURI, want[i])
		}
	}
}

func TestEachActivity_stopsWhenTold(t *testing.T) {
	fs := activityServer(t, 450, time.Now())
	client, _ := newTestClient(t, fs.endpoint())
	seen := 0
	err := client.EachActivity(context.Background(), "t1", ActivityFilter{}, func(u KeyUse) bool {
		seen++
		return seen < 250 // the 250th entry is on the second page
	})
	if err != nil || seen != 250 || fs.Count() != 2 {
		t.Fatalf("seen %d entries in %d requests (%v), want 250 in 2", seen, fs.Count(), err)
	}
	if _, err := client.Activities(context.Background(), "", ActivityFilter{}); err == nil {
		t.Error("Activities with an empty tag succeeded")
	}
	if _, err := client.LastUseInfo(context.Background(), ""); err == nil {
		t.Error("LastUseInfo with an empty tag succeeded")
	}
}

// A page answered without paging fields ends at a short page.
func TestActivities_withoutPagingFields(t *testing.T) {
	fs := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		list := make([]map[string]any, 0, 200)
		for range map[int]int{1: 200, 2: 3}[n] {
			list = append(list, map[string]any{"message": "m"})
		}
		writeSuccess(w, map[string]any{"activityLogList": list})
	})
	client, _ := newTestClient(t, fs.endpoint())
	uses, err := client.Activities(context.Background(), "t1", ActivityFilter{})
	if err != nil || len(uses) != 203 || fs.Count() != 2 {
		t.Fatalf("%d uses in %d requests (%v)", len(uses), fs.Count(), err)
	}
	if strings.Contains(fs.Requests()[1].RequestURI, "timestampTo") {
		t.Errorf("pinned the window without a readable timestamp: %s", fs.Requests()[1].RequestURI)
	}
}

func TestMock_lastUseAndActivities(t *testing.T) {
	ctx := context.Background()
	mock := kmsmock.NewTestServer(t, kmsmock.Options{})
	client, _ := newMockClient(t, mock, func(c *Config) { c.Now = mock.GatewayNow })
	key := newMockKey(t, mock, kmsmock.KeySpec{Name: "used", RotationDays: 1})

	if use, err := client.LastUseInfo(ctx, key.KeyTag); err != nil || use != nil {
		t.Fatalf("never used: %+v, %v", use, err)
	}
	hourAgo := mock.Now().Add(-time.Hour)
	if err := mock.RecordUse(key.KeyTag, kmsmock.Use{At: hourAgo, RequestType: "API", IP: "10.0.0.7", Action: "decrypt"}); err != nil {
		t.Fatal(err)
	}
	use, err := client.LastUseInfo(ctx, key.KeyTag)
	if err != nil || use.RequestType != RequestTypeAPI || use.IP != "10.0.0.7" || use.Action != "decrypt" || use.KeyTag != key.KeyTag ||
		use.KeyName != "used" || use.NRN != key.NRN || use.AccountID == "" || use.Result != "SUCCESS" || use.Time.Sub(hourAgo).Abs() > time.Second {
		t.Fatalf("last use = %+v, %v", use, err)
	}

	mock.AdvanceClock(24 * time.Hour) // an automatic rotation hides the application's use...
	use, err = client.LastUseInfo(ctx, key.KeyTag)
	if err != nil || use.RequestType != RequestTypeSystem || use.Action != "rotate" || use.IP != "" {
		t.Fatalf("after a rotation the last use = %+v, %v", use, err)
	}
	// ...and the activity log still has it, once the window reaches back far enough.
	uses, err := client.Activities(ctx, key.KeyTag, ActivityFilter{From: hourAgo.Add(-time.Minute)})
	if err != nil || len(uses) != 2 || uses[0].RequestType != RequestTypeSystem || uses[1].IP != "10.0.0.7" || uses[1].Type != "CRYPTO" {
		t.Fatalf("activities = %+v, %v", uses, err)
	}
	if uses, err := client.Activities(ctx, key.KeyTag, ActivityFilter{}); err != nil || len(uses) != 1 {
		t.Fatalf("default window (a day): %+v, %v", uses, err)
	}
	if uses, err := client.Activities(ctx, key.KeyTag, ActivityFilter{From: hourAgo.Add(-time.Minute), Keyword: "10.0.0.7"}); err != nil || len(uses) != 1 {
		t.Fatalf("keyword: %+v, %v", uses, err)
	}
	if _, err := client.Activities(ctx, key.KeyTag, ActivityFilter{From: mock.Now(), To: hourAgo}); err == nil || IsRetryable(err) {
		t.Fatalf("a window that ends before it starts: %v, want a 400", err)
	}
	if _, err := client.LastUseInfo(ctx, strings.Repeat("0", 64)); !IsNotFound(err) {
		t.Fatalf("unknown key: %v, want 404", err)
	}
}

func TestMock_activitiesAllPages(t *testing.T) {
	mock := kmsmock.NewTestServer(t, kmsmock.Options{})
	client, _ := newMockClient(t, mock)
	key := newMockKey(t, mock, kmsmock.KeySpec{Name: "busy"})
	now := mock.Now()
	for i := range 450 {
		if err := mock.RecordUse(key.KeyTag, kmsmock.Use{At: now.Add(-time.Duration(i) * time.Minute), RequestType: "CONSOLE",
			IP: fmt.Sprintf("10.0.%d.%d", i/256, i%256), Action: "sign"}); err != nil {
			t.Fatal(err)
		}
	}
	uses, err := client.Activities(context.Background(), key.KeyTag, ActivityFilter{From: now.Add(-10 * time.Hour)})
	if err != nil || len(uses) != 450 {
		t.Fatalf("%d uses, %v", len(uses), err)
	}
	for i, u := range uses {
		if u.IP != fmt.Sprintf("10.0.%d.%d", i/256, i%256) {
			t.Fatalf("entry %d is %+v: not newest first", i, u)
		}
	}
	if got := shortJournal(mock, key.KeyTag); strings.Count(got, "GET /activities?") != 3 || strings.Count(got, " 200") != 3 {
		t.Errorf("journal %q, want three pages", got)
	}
}

// The new reads retry like every other call: a 429 honours Retry-After, a 5xx is tried again.
func TestMock_usageReadsRetry(t *testing.T) {
	mock := kmsmock.NewTestServer(t, kmsmock.Options{})
	key := newMockKey(t, mock, kmsmock.KeySpec{Name: "retried"})
	mock.InjectFault(kmsmock.Fault{Method: "GET", PathSuffix: "/last-use-info", Status: 429, RetryAfter: 3})
	mock.InjectFault(kmsmock.Fault{Method: "GET", PathSuffix: "/activities", Status: 503})
	mock.InjectFault(kmsmock.Fault{Method: "GET", PathSuffix: "/versions", Status: 502})
	client, waits := newMockClient(t, mock)
	ctx := context.Background()
	if _, err := client.LastUseInfo(ctx, key.KeyTag); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Activities(ctx, key.KeyTag, ActivityFilter{}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.ListVersions(ctx, key.KeyTag); err != nil {
		t.Fatal(err)
	}
	if got := waits.Waits(); len(got) != 3 || got[0] != 3*time.Second {
		t.Errorf("waits %v, want Retry-After 3s then two backoffs", got)
	}
	if got := shortJournal(mock, key.KeyTag); strings.Count(got, ",") != 5 {
		t.Errorf("journal %q, want each call twice", got)
	}
}
