package main

import (
	"testing"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

func TestCallKind(t *testing.T) {
	for _, tc := range []struct{ method, path, want string }{
		{"GET", "/kms/v1/keys", "GET /keys"},
		{"POST", "/kms/v1/keys", "POST /keys"},
		{"GET", "/kms/v1/keys/abc123", "GET /keys/{tag}"},
		{"PUT", "/kms/v1/keys/abc123/memo", "PUT /keys/{tag}/memo"},
		{"POST", "/kms/v1/keys/abc123/request-deletion", "POST /keys/{tag}/request-deletion"},
		{"DELETE", "/kms/v1/keys/abc123", "DELETE /keys/{tag}"},
	} {
		if got := callKind(tc.method, tc.path); got != tc.want {
			t.Errorf("callKind(%s %s) = %q, want %q", tc.method, tc.path, got, tc.want)
		}
	}
}

func TestSummarizeCalls(t *testing.T) {
	calls := []kmsmock.Call{
		{Method: "GET", Path: "/kms/v1/keys/a", Status: 200},
		{Method: "GET", Path: "/kms/v1/keys/b", Status: 200},
		{Method: "POST", Path: "/kms/v1/keys", Status: 200},
		{Method: "POST", Path: "/kms/v1/keys", Status: 429, Fault: true},
		{Method: "GET", Path: "/kms/v1/keys", Query: "pageNo=1&pageSize=200", Status: 200, Dropped: true},
	}
	got := formatCallCounts(summarizeCalls(calls))
	want := "GET /keys/{tag} 2, GET /keys (dropped) 1, POST /keys 1, POST /keys (429) 1"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if formatCallCounts(nil) != "none" {
		t.Error("empty journal")
	}
}
