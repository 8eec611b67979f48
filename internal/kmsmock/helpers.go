package kmsmock

import (
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
// GET /_mock/journal and POST /_mock/clock?advance=<Go duration>. They are not journaled, and a
// client that is not on loopback is refused.
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
