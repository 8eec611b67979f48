package kmsmock

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
)

// Paging of Get Key List (§2.2) and Get Key Activity Logs (§2.19).
const (
	defaultPageSize = 100
	maxPageSize     = 200
)

func (s *Server) createKey(r *http.Request, _ string) apiResponse {
	var in createInput
	if err := decodeBody(r, &in); err != nil {
		return failure(err)
	}
	k, err := s.store.create(in)
	if err != nil {
		return failure(err)
	}
	return success(k.info().created())
}

type keyPage struct {
	KeyList       []listedKey `json:"keyList"`
	CurrentPageNo int         `json:"currentPageNo"`
	TotalPageNo   int         `json:"totalPageNo"`
	TotalCount    int         `json:"totalCount"`
}

func (s *Server) listKeys(r *http.Request, _ string) apiResponse {
	p, err := parsePaging(r.URL.Query())
	if err != nil {
		return failure(err)
	}
	keys := s.store.all()
	from, to, totalPages := p.bounds(len(keys))
	page := keyPage{
		KeyList:       []listedKey{},
		CurrentPageNo: p.pageNo,
		TotalPageNo:   totalPages,
		TotalCount:    len(keys),
	}
	for _, k := range keys[from:to] {
		page.KeyList = append(page.KeyList, k.info().listed())
	}
	return success(page)
}

// paging is a checked pageNo and pageSize (§2.2, §2.19): optional, an empty value counts as absent.
type paging struct{ pageNo, pageSize int }

func parsePaging(query url.Values) (paging, error) {
	pageNo, err := pageParam(query, "pageNo", 1, math.MaxInt32)
	if err != nil {
		return paging{}, err
	}
	pageSize, err := pageParam(query, "pageSize", defaultPageSize, maxPageSize)
	if err != nil {
		return paging{}, err
	}
	return paging{pageNo, pageSize}, nil
}

// bounds gives the index range of the page in a list of n items (empty past the last page) and
// the number of pages.
func (p paging) bounds(n int) (from, to, totalPages int) {
	from = min((p.pageNo-1)*p.pageSize, n)
	return from, min(from+p.pageSize, n), (n + p.pageSize - 1) / p.pageSize
}

// pageParam reads an optional integer query parameter from 1 to highest.
func pageParam(query url.Values, name string, fallback, highest int) (int, error) {
	raw := query.Get(name)
	if raw == "" {
		return fallback, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > highest {
		return 0, errInvalidField(name, "must be an integer from 1 to %d, got %q", highest, raw)
	}
	return n, nil
}

func (s *Server) getKey(_ *http.Request, tag string) apiResponse {
	k, err := s.store.get(tag)
	if err != nil {
		return failure(err)
	}
	return success(k.info())
}

func (s *Server) deleteKey(_ *http.Request, tag string) apiResponse {
	if err := s.store.destroy(tag); err != nil {
		return failure(err)
	}
	return success(nil)
}

func (s *Server) renameKey(r *http.Request, tag string) apiResponse {
	var body struct {
		KeyName *string `json:"keyName"`
	}
	if err := decodeRequired(r, &body, "keyName", func() bool { return body.KeyName != nil }); err != nil {
		return failure(err)
	}
	k, err := s.store.rename(tag, *body.KeyName)
	if err != nil {
		return failure(err)
	}
	return success(struct {
		KeyTag  string `json:"keyTag"`
		KeyName string `json:"keyName"`
	}{k.tag, k.name})
}

func (s *Server) updateMemo(r *http.Request, tag string) apiResponse {
	var body struct {
		Memo *string `json:"memo"`
	}
	if err := decodeRequired(r, &body, "memo", func() bool { return body.Memo != nil }); err != nil {
		return failure(err)
	}
	k, err := s.store.setMemo(tag, *body.Memo)
	if err != nil {
		return failure(err)
	}
	return success(struct {
		KeyTag string `json:"keyTag"`
		Memo   string `json:"memo"`
	}{k.tag, k.memo})
}

// statusAction answers the calls whose answer is {keyTag, status, statusDate}.
func statusAction(op func(*store, string) (keyRecord, error)) keyHandler {
	return func(s *Server, _ *http.Request, tag string) apiResponse {
		k, err := op(s.store, tag)
		if err != nil {
			return failure(err)
		}
		return success(k.statusChange())
	}
}

func (s *Server) enableAutoRotation(_ *http.Request, tag string) apiResponse {
	k, err := s.store.enableAutoRotation(tag)
	if err != nil {
		return failure(err)
	}
	return success(struct {
		KeyTag           string `json:"keyTag"`
		IsAutoRotation   bool   `json:"isAutoRotation"`
		RotationPeriod   int64  `json:"rotationPeriod"`
		NextRotationDate int64  `json:"nextRotationDate"`
	}{k.tag, k.autoRotation, k.shownPeriod(), k.nextRotation})
}

func (s *Server) disableAutoRotation(_ *http.Request, tag string) apiResponse {
	k, err := s.store.disableAutoRotation(tag)
	if err != nil {
		return failure(err)
	}
	return success(struct {
		KeyTag         string `json:"keyTag"`
		IsAutoRotation bool   `json:"isAutoRotation"`
	}{k.tag, k.autoRotation})
}

func (s *Server) setRotationPeriod(r *http.Request, tag string) apiResponse {
	var body struct {
		RotationPeriod *int64 `json:"rotationPeriod"`
	}
	if err := decodeRequired(r, &body, "rotationPeriod", func() bool { return body.RotationPeriod != nil }); err != nil {
		return failure(err)
	}
	k, err := s.store.setRotationPeriod(tag, *body.RotationPeriod)
	if err != nil {
		return failure(err)
	}
	return success(struct {
		KeyTag           string `json:"keyTag"`
		RotationPeriod   int64  `json:"rotationPeriod"`
		NextRotationDate int64  `json:"nextRotationDate"`
	}{k.tag, k.shownPeriod(), k.nextRotation})
}
