package kmsmock

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Uses of a key: the record behind Get Latest Use Info (§2.20) and the activity log (§2.19), with
// the choices of §10. A use is a crypto call (action = its path segment) or an automatic rotation
// (SYSTEM, action "rotate"). Lifecycle and management calls, a manual rotation included, are not
// uses and are not logged: the activity log is the key's usage history, and Get Latest Use Info
// shows its newest entry.

// Request types of a use.
const (
	RequestTypeAPI     = "API"
	RequestTypeConsole = "CONSOLE"
	RequestTypeSystem  = "SYSTEM"
)

// actionRotate is the action of an automatic rotation.
const actionRotate = "rotate"

// cryptoActions are the actions of the crypto calls (their path segments).
var cryptoActions = []string{"encrypt", "decrypt", "re-encrypt", "create-custom-key", "sign", "verify", "get-pub-key"}

const (
	resultSuccess = "SUCCESS"
	// mockAccountID is the account the mock's credentials belong to (the number in every nrn).
	mockAccountID = "2000001"
	// maxLoggedUses bounds the activity log of one key; the oldest entries go first.
	maxLoggedUses = 10000
	// defaultActivityWindow is how far back Get Key Activity Logs looks without timestampFrom.
	defaultActivityWindow = dayMillis
)

// ncloudZone is the offset NCloud writes its timestamps in.
var ncloudZone = time.FixedZone("KST", 9*60*60)

// useRecord is one entry of a key's activity log.
type useRecord struct {
	at          int64 // Unix milliseconds
	keyName     string
	requestType string
	accountID   string
	ip          string // "" for SYSTEM
	action      string
	result      string
	message     string
}

// Use is one use of a key, as a test stages it with RecordUse or reads it with Uses.
type Use struct {
	At          time.Time // zero: now on the mock clock
	RequestType string    // API or CONSOLE for RecordUse; SYSTEM for automatic rotations
	AccountID   string    // default: the mock account's id
	IP          string    // client address; "" for SYSTEM
	Action      string    // encrypt, decrypt, re-encrypt, create-custom-key, sign, verify, get-pub-key; rotate for SYSTEM
	Result      string    // SUCCESS
	Message     string
}

func (u useRecord) export() Use {
	return Use{At: time.UnixMilli(u.at).In(ncloudZone), RequestType: u.requestType, AccountID: u.accountID, IP: u.ip,
		Action: u.action, Result: u.result, Message: u.message}
}

// recordUse adds u to the log in time order (a staged use may lie in the past); among equal times
// the newer record comes later. Caller holds the store's lock.
func (k *keyRecord) recordUse(u useRecord) {
	i := len(k.uses)
	for i > 0 && k.uses[i-1].at > u.at {
		i--
	}
	k.uses = slices.Insert(k.uses, i, u)
	if over := len(k.uses) - maxLoggedUses; over > 0 {
		k.uses = slices.Delete(k.uses, 0, over)
	}
}

func (k *keyRecord) systemRotation(at int64) useRecord {
	return useRecord{
		at: at, keyName: k.name, requestType: RequestTypeSystem, accountID: RequestTypeSystem,
		action: actionRotate, result: resultSuccess,
		message: fmt.Sprintf("Automatic rotation created version %d", k.currentVersion()),
	}
}

// apiUse is the record of an API or CONSOLE call that used the key at the given time.
func apiUse(k *keyRecord, at int64, requestType, accountID, ip, action string) useRecord {
	return useRecord{
		at: at, keyName: k.name, requestType: requestType, accountID: accountID, ip: ip, action: action,
		result: resultSuccess, message: fmt.Sprintf("%s %s request from %s", requestType, action, ip),
	}
}

// clientIP is the address of the remote end of r, without the port.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Wire shapes of §2.19, §2.20 and §10.
type (
	usedKey struct {
		KeyTag  string `json:"keyTag"`
		KeyName string `json:"keyName"`
		NRN     string `json:"nrn"`
	}
	requestor struct {
		RequestType string  `json:"requestType"`
		ID          string  `json:"id"`
		IP          *string `json:"ip"` // null for SYSTEM
	}
	lastUseAPI struct {
		Action string `json:"action"`
		Result string `json:"result"`
	}
	activityAPI struct {
		Result string `json:"result"`
		Action string `json:"action"`
		Type   string `json:"type"`
	}
	// entry is one use on the wire: Get Latest Use Info's data, or an item of the activity log;
	// they differ in their api object only.
	entry[API any] struct {
		Timestamp string `json:"timestamp"`
		Data      struct {
			KmsKey    usedKey   `json:"kmsKey"`
			Requestor requestor `json:"requestor"`
			API       API       `json:"api"`
		} `json:"data"`
		Message string `json:"message"`
	}
	lastUse      = entry[lastUseAPI]
	activity     = entry[activityAPI]
	activityPage struct {
		ActivityLogList []activity `json:"activityLogList"`
		PageSize        int        `json:"pageSize"`
		CurrentPageNo   int        `json:"currentPageNo"`
		TotalPageNo     int        `json:"totalPageNo"`
		TotalCount      int        `json:"totalCount"`
	}
)

// formatTimestamp writes RFC 3339 with milliseconds in NCloud's +09:00.
func formatTimestamp(ms int64) string {
	return time.UnixMilli(ms).In(ncloudZone).Format("2006-01-02T15:04:05.000Z07:00")
}

func (u useRecord) requestor() requestor {
	r := requestor{RequestType: u.requestType, ID: u.accountID}
	if u.ip != "" {
		ip := u.ip
		r.IP = &ip
	}
	return r
}

// apiType is the activity log's api.type: what kind of use the action is.
func (u useRecord) apiType() string {
	if u.action == actionRotate {
		return "ROTATION"
	}
	return "CRYPTO"
}

// useEntry is u on the wire with its api object; keyName is the name the key had when used.
func useEntry[API any](k *keyRecord, u useRecord, api API) entry[API] {
	var out entry[API]
	out.Timestamp = formatTimestamp(u.at)
	out.Data.KmsKey = usedKey{KeyTag: k.tag, KeyName: u.keyName, NRN: k.nrn()}
	out.Data.Requestor = u.requestor()
	out.Data.API = api
	out.Message = u.message
	return out
}

// lastUse is the Get Latest Use Info data for u.
func (k *keyRecord) lastUse(u useRecord) lastUse {
	return useEntry(k, u, lastUseAPI{Action: u.action, Result: u.result})
}

// matches reports whether keyword (case-insensitive) occurs in any text of the entry.
func (u useRecord) matches(keyword string) bool {
	if keyword == "" {
		return true
	}
	keyword = strings.ToLower(keyword)
	for _, text := range []string{u.action, u.requestType, u.accountID, u.ip, u.result, u.message, u.keyName} {
		if strings.Contains(strings.ToLower(text), keyword) {
			return true
		}
	}
	return false
}

// activityQuery is a checked Get Key Activity Logs query. Nil bounds take the defaults: from one
// day before now, to now.
type activityQuery struct {
	from, to *int64
	keyword  string
	paging
}

func parseActivityQuery(query url.Values) (activityQuery, error) {
	var q activityQuery
	var err error
	if q.paging, err = parsePaging(query); err != nil {
		return q, err
	}
	if q.from, err = millisParam(query, "timestampFrom"); err != nil {
		return q, err
	}
	if q.to, err = millisParam(query, "timestampTo"); err != nil {
		return q, err
	}
	if q.from != nil && q.to != nil && *q.from > *q.to {
		return q, errInvalidField("timestampFrom", "must not be after timestampTo")
	}
	q.keyword = query.Get("keyword")
	return q, nil
}

// millisParam reads an optional non-negative Unix-milliseconds parameter; empty counts as absent.
func millisParam(query url.Values, name string) (*int64, error) {
	raw := query.Get(name)
	if raw == "" {
		return nil, nil
	}
	ms, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || ms < 0 {
		return nil, errInvalidField(name, "must be Unix epoch milliseconds, got %q", raw)
	}
	return &ms, nil
}

// activities answers one page of a key's log, newest first. Allowed in every key status.
func (s *store) activities(tag string, q activityQuery) (activityPage, error) {
	var page activityPage
	err := s.with(tag, func(k *keyRecord, now int64) error {
		from, to := now-defaultActivityWindow, now
		if q.from != nil {
			from = *q.from
		}
		if q.to != nil {
			to = *q.to
		}
		var selected []useRecord
		for i := len(k.uses) - 1; i >= 0; i-- {
			if u := k.uses[i]; u.at >= from && u.at <= to && u.matches(q.keyword) {
				selected = append(selected, u)
			}
		}
		first, last, totalPages := q.bounds(len(selected))
		page = activityPage{
			ActivityLogList: []activity{},
			PageSize:        q.pageSize,
			CurrentPageNo:   q.pageNo,
			TotalPageNo:     totalPages,
			TotalCount:      len(selected),
		}
		for _, u := range selected[first:last] {
			page.ActivityLogList = append(page.ActivityLogList, useEntry(k, u, activityAPI{Result: u.result, Action: u.action, Type: u.apiType()}))
		}
		return nil
	})
	return page, err
}

// lastUse answers Get Latest Use Info: nil when the key was never used. Allowed in every status.
func (s *store) lastUse(tag string) (*lastUse, error) {
	var out *lastUse
	err := s.with(tag, func(k *keyRecord, _ int64) error {
		if len(k.uses) > 0 {
			use := k.lastUse(k.uses[len(k.uses)-1])
			out = &use
		}
		return nil
	})
	return out, err
}

// recordUse logs a use of the key that happened ago before now, and returns its Latest Use Info.
func (s *store) recordUse(tag string, ago time.Duration, requestType, accountID, ip, action string) (lastUse, error) {
	var out lastUse
	err := s.with(tag, func(k *keyRecord, now int64) error {
		u := apiUse(k, now-ago.Milliseconds(), requestType, accountID, ip, action)
		k.recordUse(u)
		out = k.lastUse(u)
		return nil
	})
	return out, err
}

// uses returns the log of a key, newest first.
func (s *store) uses(tag string) ([]Use, error) {
	var out []Use
	err := s.with(tag, func(k *keyRecord, _ int64) error {
		out = make([]Use, len(k.uses))
		for i, u := range k.uses {
			out[len(out)-1-i] = u.export()
		}
		return nil
	})
	return out, err
}

func (s *Server) lastUseInfo(_ *http.Request, tag string) apiResponse {
	u, err := s.store.lastUse(tag)
	if err != nil {
		return failure(err)
	}
	if u == nil {
		return success(nil)
	}
	return success(u)
}

func (s *Server) keyActivities(r *http.Request, tag string) apiResponse {
	q, err := parseActivityQuery(r.URL.Query())
	if err != nil {
		return failure(err)
	}
	page, err := s.store.activities(tag, q)
	if err != nil {
		return failure(err)
	}
	return success(page)
}

// checkUse validates a staged use: an API or CONSOLE request type, a crypto action, an IP address.
func checkUse(requestType, action, ip string) error {
	if requestType != RequestTypeAPI && requestType != RequestTypeConsole {
		return errInvalidField("type", "must be %s or %s, got %q", RequestTypeAPI, RequestTypeConsole, requestType)
	}
	if !slices.Contains(cryptoActions, action) {
		return errInvalidField("action", "must be one of %s, got %q", strings.Join(cryptoActions, ", "), action)
	}
	if net.ParseIP(ip) == nil {
		return errInvalidField("ip", "must be an IP address, got %q", ip)
	}
	return nil
}
