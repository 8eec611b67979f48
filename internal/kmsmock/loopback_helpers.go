package kmsmock

import (
	"cmp"
	"net"
	"net/http"
	"time"
)

// journalEntry is one call as GET /_mock/journal shows it.
type journalEntry struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	Status int    `json:"status"`
}

// serveHelper answers the unsigned /_mock/ helpers for people and scripts driving a standalone mock:
// GET /_mock/journal, POST /_mock/clock?advance=<Go duration> and POST /_mock/use (see stageUse).
// They are not journaled, and a client that is not on loopback is refused.
func (s *Server) serveHelper(w http.ResponseWriter, r *http.Request) {
	if !isLoopbackRemote(r.RemoteAddr) {
		s.write(w, failure(&apiError{http.StatusForbidden, codeForbidden, "Mock helpers answer loopback clients only"}))
		return
	}
	switch r.URL.Path {
	case helperPrefix + "journal":
		if r.Method != http.MethodGet {
			s.write(w, helperMethodNotAllowed(http.MethodGet))
			return
		}
		entries := []journalEntry{}
		for _, c := range s.Journal() {
			entries = append(entries, journalEntry{c.Method, c.Path, c.Status})
		}
		s.write(w, apiResponse{status: http.StatusOK, body: entries})
	case helperPrefix + "clock":
		if r.Method != http.MethodPost {
			s.write(w, helperMethodNotAllowed(http.MethodPost))
			return
		}
		d, err := time.ParseDuration(r.URL.Query().Get("advance"))
		if err != nil || d < 0 {
			s.write(w, failure(errInvalidField("advance", "must be a non-negative Go duration such as 72h or 90m")))
			return
		}
		s.AdvanceClock(d)
		s.write(w, apiResponse{status: http.StatusOK, body: struct {
			Now string `json:"now"`
		}{s.Now().UTC().Format(time.RFC3339Nano)}})
	case helperPrefix + "use":
		if r.Method != http.MethodPost {
			s.write(w, helperMethodNotAllowed(http.MethodPost))
			return
		}
		s.write(w, s.stageUse(r))
	default:
		s.write(w, failure(&apiError{http.StatusNotFound, codeNotFound, "No such mock helper: " + r.URL.Path}))
	}
}

func helperMethodNotAllowed(allowed string) apiResponse {
	resp := failure(&apiError{http.StatusMethodNotAllowed, codeNotAllowed, "Use " + allowed})
	resp.allow = allowed
	return resp
}

func isLoopbackRemote(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// stageUse answers POST /_mock/use?tag=<tag>&action=<action>&type=<API|CONSOLE>&ip=<ip>&ago=<Go
// duration>&id=<account id>: it logs a use of the key, so that "used an hour ago by 10.0.0.7" can
// be staged (ago=1h&ip=10.0.0.7). action is a crypto action (encrypt, decrypt, re-encrypt,
// create-custom-key, sign, verify, get-pub-key); type defaults to API, ip to the caller's address,
// ago to 0 (now on the mock clock; it may reach before the key was created), id to the mock
// account. The answer is the use as Get Latest Use Info shows it, without the envelope.
func (s *Server) stageUse(r *http.Request) apiResponse {
	query := r.URL.Query()
	if query.Get("tag") == "" {
		return failure(errInvalidField("tag", "is required"))
	}
	requestType := cmp.Or(query.Get("type"), RequestTypeAPI)
	ip := cmp.Or(query.Get("ip"), clientIP(r))
	accountID := cmp.Or(query.Get("id"), mockAccountID)
	var ago time.Duration
	if raw := query.Get("ago"); raw != "" {
		var err error
		if ago, err = time.ParseDuration(raw); err != nil || ago < 0 {
			return failure(errInvalidField("ago", "must be a non-negative Go duration such as 1h or 90m, got %q", raw))
		}
	}
	if err := checkUse(requestType, query.Get("action"), ip); err != nil {
		return failure(err)
	}
	use, err := s.store.recordUse(query.Get("tag"), ago, requestType, accountID, ip, query.Get("action"))
	if err != nil {
		return failure(err)
	}
	return apiResponse{status: http.StatusOK, body: use}
}
