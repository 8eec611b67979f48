package kmsapi

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Request types of a key use.
const (
	RequestTypeAPI     = "API"     // a signed or token call
	RequestTypeConsole = "CONSOLE" // the NCloud console
	RequestTypeSystem  = "SYSTEM"  // automatic rotation or deletion
)

// activityPageSize is the largest page Get Key Activity Logs allows.
const activityPageSize = 200

// KeyUse is one use of a key: the answer of Get Latest Use Info, or one entry of the activity log.
type KeyUse struct {
	Time        time.Time // zero when the timestamp is missing or unreadable
	Timestamp   string    // as the server sent it
	KeyTag      string
	KeyName     string // the key's name at the time
	NRN         string
	RequestType string // API, CONSOLE or SYSTEM
	AccountID   string // SYSTEM for system events
	IP          string // "" when the server sent none (system events)
	Action      string // encrypt, decrypt, re-encrypt, create-custom-key, sign, verify, get-pub-key, rotate
	Result      string
	Type        string // the activity log's api.type; "" from Get Latest Use Info
	Message     string
}

// keyUseWire is a use on the wire (§2.19, §2.20). encoding/json matches names case-insensitively,
// so the "KmsKey" spelling of the Latest Use Info page lands in KmsKey too; flexString takes a
// number where a string is expected (an account id, a timestamp in milliseconds).
type keyUseWire struct {
	Timestamp flexString `json:"timestamp"`
	Data      struct {
		KmsKey struct {
			KeyTag  flexString `json:"keyTag"`
			KeyName flexString `json:"keyName"`
			NRN     flexString `json:"nrn"`
		} `json:"kmsKey"`
		Requestor struct {
			RequestType flexString `json:"requestType"`
			ID          flexString `json:"id"`
			IP          flexString `json:"ip"`
		} `json:"requestor"`
		API struct {
			Action flexString `json:"action"`
			Result flexString `json:"result"`
			Type   flexString `json:"type"`
		} `json:"api"`
	} `json:"data"`
	Message flexString `json:"message"`
}

func (w *keyUseWire) use() KeyUse {
	d := &w.Data
	return KeyUse{
		Time:        parseUseTime(string(w.Timestamp)),
		Timestamp:   string(w.Timestamp),
		KeyTag:      string(d.KmsKey.KeyTag),
		KeyName:     string(d.KmsKey.KeyName),
		NRN:         string(d.KmsKey.NRN),
		RequestType: string(d.Requestor.RequestType),
		AccountID:   string(d.Requestor.ID),
		IP:          string(d.Requestor.IP),
		Action:      string(d.API.Action),
		Result:      string(d.API.Result),
		Type:        string(d.API.Type),
		Message:     string(w.Message),
	}
}

// useTimeLayouts are the timestamp forms accepted besides epoch milliseconds: RFC 3339 (with or
// without fractions), an offset without a colon, and no offset at all (read as UTC).
var useTimeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05"}

func parseUseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil && ms > 0 {
		return time.UnixMilli(ms).UTC()
	}
	for _, layout := range useTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// LastUseInfo returns the key's newest use of any kind (SYSTEM included), or nil when it was
// never used.
func (c *Client) LastUseInfo(ctx context.Context, keyTag string) (*KeyUse, error) {
	if keyTag == "" {
		return nil, errEmptyKeyTag
	}
	var wire *keyUseWire
	if err := c.call(ctx, &request{method: http.MethodGet, path: keyPath(keyTag, "last-use-info")}, &wire); err != nil {
		return nil, err
	}
	if wire == nil {
		return nil, nil
	}
	use := wire.use()
	return &use, nil
}

// ActivityFilter narrows the activity log. A zero From or To is not sent, so the server's default
// applies (the API's: a day before now, and now); Keyword is the API's free-text filter.
type ActivityFilter struct {
	From, To time.Time
	Keyword  string
}

type activityPage struct {
	ActivityLogList []keyUseWire `json:"activityLogList"`
	PageSize        int          `json:"pageSize"`
	CurrentPageNo   int          `json:"currentPageNo"`
	TotalPageNo     int          `json:"totalPageNo"`
	TotalCount      int          `json:"totalCount"`
}

// Activities returns the key's activity log within the filter, every page, newest first.
func (c *Client) Activities(ctx context.Context, keyTag string, filter ActivityFilter) ([]KeyUse, error) {
	var uses []KeyUse
	err := c.EachActivity(ctx, keyTag, filter, func(u KeyUse) bool {
		uses = append(uses, u)
		return true
	})
	if err != nil {
		return nil, err
	}
	return uses, nil
}

// EachActivity calls yield for each entry of the key's activity log within the filter, newest
// first, fetching a page only when the entries before it were consumed; it stops when yield
// returns false. Without filter.To, the pages after the first are asked up to the second of the
// first page's newest entry, so that uses made meanwhile do not shift entries from page to page.
func (c *Client) EachActivity(ctx context.Context, keyTag string, filter ActivityFilter, yield func(KeyUse) bool) error {
	if keyTag == "" {
		return errEmptyKeyTag
	}
	for pageNo := 1; pageNo <= maxListPages; pageNo++ {
		var page activityPage
		if err := c.call(ctx, activitiesRequest(keyTag, filter, pageNo), &page); err != nil {
			return err
		}
		for i := range page.ActivityLogList {
			use := page.ActivityLogList[i].use()
			if pageNo == 1 && i == 0 && filter.To.IsZero() && !use.Time.IsZero() {
				// the end of the entry's second: its timestamp may be shown rounded down
				filter.To = use.Time.Truncate(time.Second).Add(time.Second - time.Millisecond)
			}
			if !yield(use) {
				return nil
			}
		}
		if isLastPage(len(page.ActivityLogList), page.CurrentPageNo, page.TotalPageNo, pageNo, activityPageSize) {
			break
		}
	}
	return nil
}

func activitiesRequest(keyTag string, filter ActivityFilter, pageNo int) *request {
	query := url.Values{}
	query.Set("pageNo", strconv.Itoa(pageNo))
	query.Set("pageSize", strconv.Itoa(activityPageSize))
	if !filter.From.IsZero() {
		query.Set("timestampFrom", strconv.FormatInt(filter.From.UnixMilli(), 10))
	}
	if !filter.To.IsZero() {
		query.Set("timestampTo", strconv.FormatInt(filter.To.UnixMilli(), 10))
	}
	if filter.Keyword != "" {
		query.Set("keyword", filter.Keyword)
	}
	return &request{method: http.MethodGet, path: keyPath(keyTag, "activities"), query: query.Encode()}
}
