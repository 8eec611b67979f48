package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

// callCount is how many calls of one kind ("GET /keys/{tag}") a step made.
type callCount struct {
	kind  string
	count int
}

// callKind names a call without its key tag, so that calls of one kind add up.
func callKind(method, path string) string {
	path = strings.TrimPrefix(path, "/kms/v1")
	if rest, found := strings.CutPrefix(path, "/keys/"); found {
		_, action, hasAction := strings.Cut(rest, "/")
		path = "/keys/{tag}"
		if hasAction {
			path += "/" + action
		}
	}
	return method + " " + path
}

// summarizeCalls counts the journal's calls by kind, most frequent first; answers other than
// 2xx (retries, faults) are counted apart with their status, so that a retry shows.
func summarizeCalls(calls []kmsmock.Call) []callCount {
	counts := map[string]int{}
	for _, c := range calls {
		kind := callKind(c.Method, c.Path)
		switch {
		case c.Dropped:
			kind += " (dropped)"
		case c.Status < 200 || c.Status > 299:
			kind += fmt.Sprintf(" (%d)", c.Status)
		}
		counts[kind]++
	}
	out := make([]callCount, 0, len(counts))
	for kind, count := range counts {
		out = append(out, callCount{kind, count})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].count != out[j].count {
			return out[i].count > out[j].count
		}
		return out[i].kind < out[j].kind
	})
	return out
}

// formatCallCounts renders counts as "POST /keys 300, GET /keys/{tag} 300".
func formatCallCounts(counts []callCount) string {
	if len(counts) == 0 {
		return "none"
	}
	parts := make([]string, len(counts))
	for i, c := range counts {
		parts[i] = fmt.Sprintf("%s %d", c.kind, c.count)
	}
	return strings.Join(parts, ", ")
}
