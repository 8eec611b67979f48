package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/server"
)

func sampleSteps() []stepResult {
	return []stepResult{
		{name: "apply", keys: timing{wall: 2300 * time.Millisecond, cpu: 1500 * time.Millisecond, process: processSample{processes: 3, peakMemory: 30 << 20}},
			null: timing{wall: 2250 * time.Millisecond, cpu: 900 * time.Millisecond}, frameworkNull: timing{wall: 2000 * time.Millisecond, cpu: 1200 * time.Millisecond},
			calls: 602, minCalls: 602, connections: 11,
			callKinds: "GET /keys/{tag} 300, POST /keys 300, GET /keys 2",
			without: map[string]timing{
				server.WorkaroundQuietSDKLogs:     {wall: 2530 * time.Millisecond, cpu: 1650 * time.Millisecond, process: processSample{peakMemory: 31 << 20}},
				server.WorkaroundContextRetention: {wall: 2300 * time.Millisecond, cpu: 1500 * time.Millisecond, process: processSample{peakMemory: 90 << 20}},
				server.WorkaroundGCTuning:         {wall: 2760 * time.Millisecond, cpu: 1800 * time.Millisecond, process: processSample{peakMemory: 20 << 20}},
			}},
		{name: "destroy", keys: timing{wall: 4 * time.Second, process: processSample{processes: 4, peakMemory: 40 << 20}},
			null: timing{wall: 3200 * time.Millisecond}, frameworkNull: timing{wall: 3600 * time.Millisecond},
			calls: 905, minCalls: 900, connections: 21, callKinds: "none",
			without: map[string]timing{
				server.WorkaroundQuietSDKLogs:     {wall: 4 * time.Second, process: processSample{peakMemory: 33 << 20}},
				server.WorkaroundContextRetention: {wall: 4400 * time.Millisecond, process: processSample{peakMemory: 120 << 20}},
				server.WorkaroundGCTuning:         {wall: 4800 * time.Millisecond, process: processSample{peakMemory: 22 << 20}},
			}},
	}
}

func TestStepResult_nullRatio(t *testing.T) {
	r := stepResult{keys: timing{wall: 2700 * time.Millisecond}, null: timing{wall: 2500 * time.Millisecond}}
	if got := r.nullRatio(); got != 1.08 {
		t.Errorf("nullRatio = %v, want 1.08", got)
	}
}

func TestSummaryLine(t *testing.T) {
	got := summarize(sampleSteps()).line()
	// destroy: 4 / 3.2 = 1.25; apply: 2.3 / 2.25 = 1.02.
	if want := "bench: worst_null_ratio=1.25 calls_over_minimum=5 connections=21"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestSummarize_callsUnderTheMinimumDoNotOffsetCallsOver(t *testing.T) {
	steps := []stepResult{{calls: 5, minCalls: 10}, {calls: 12, minCalls: 10}}
	if got := summarize(steps).callsOverMinimum; got != 2 {
		t.Errorf("callsOverMinimum = %d, want 2", got)
	}
}

func TestWriteReport(t *testing.T) {
	var out bytes.Buffer
	writeReport(&out, options{keys: 300, latency: 25 * time.Millisecond, parallelism: 10}, sampleSteps())
	text := out.String()
	for _, want := range []string{
		"N=300 keys, latency 25ms, parallelism 10\n",
		"| step    | wall s | null provider s | null ratio | framework null s | framework null ratio | CPU s | null CPU s | framework null CPU s | framework null CPU ratio | API calls | minimum | connections | provider processes | peak MiB |",
		"| apply   |   2.30 |            2.25 |       1.02 |             2.00 |                 1.15 |  1.50 |       0.90 |                 1.20 |                     1.25 |       602 |     602 |          11 |                  3 |     30.0 |",
		"| destroy |   4.00 |            3.20 |       1.25 |             3.60 |                 1.11 |  0.00 |       0.00 |                 0.00 |                      n/a |       905 |     900 |          21 |                  4 |     40.0 |",
		"| workaround switched off | apply wall / CPU | destroy wall / CPU | peak MiB | peak MiB with it |",
		"| quiet_sdk_logs          |    x1.10 / x1.10 |        x1.00 / n/a |     33.0 |             40.0 |",
		"| context_retention       |    x1.00 / x1.00 |        x1.10 / n/a |    120.0 |             40.0 |",
		"| gc_tuning               |    x1.20 / x1.20 |        x1.20 / n/a |     22.0 |             40.0 |",
		"calls apply:   GET /keys/{tag} 300, POST /keys 300, GET /keys 2",
		"calls destroy: none",
		"target MISSED null ratio (wall / null-provider wall): worst 1.25, target <= 1.05; over the framework null, the least a provider on the framework takes: worst 1.15",
		"target MISSED API calls over the minimum: 5, target 0",
		"target MISSED connections per step: max 21, target <= 12",
		"target met    provider peak memory: 40.0 MiB, target <= 100 MiB",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
}

func TestWriteReport_withoutProcessSamples(t *testing.T) {
	steps := []stepResult{{name: "apply", keys: timing{wall: time.Second}, null: timing{wall: time.Second}, frameworkNull: timing{wall: time.Second}}}
	var out bytes.Buffer
	writeReport(&out, options{keys: 1, parallelism: 10}, steps)
	for _, want := range []string{"|                n/a |      n/a |", "target n/a    provider peak memory: not sampled"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestWriteReport_withoutWorkaroundRuns: under -workarounds=false the report says that the table
// of the workarounds is missing, rather than printing one of zeros.
func TestWriteReport_withoutWorkaroundRuns(t *testing.T) {
	steps := []stepResult{{name: "apply", keys: timing{wall: time.Second}, null: timing{wall: time.Second}, frameworkNull: timing{wall: time.Second}}}
	var out bytes.Buffer
	writeReport(&out, options{keys: 1, parallelism: 10}, steps)
	if !strings.Contains(out.String(), "were not switched off one by one (-workarounds=false)") || strings.Contains(out.String(), "workaround switched off |") {
		t.Errorf("output:\n%s", out.String())
	}
}

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

func TestDescribeCalls(t *testing.T) {
	calls := []kmsmock.Call{
		{Method: "GET", Path: "/kms/v1/keys/a", Status: 200},
		{Method: "GET", Path: "/kms/v1/keys/b", Status: 200},
		{Method: "POST", Path: "/kms/v1/keys", Status: 200},
		{Method: "POST", Path: "/kms/v1/keys", Status: 429, Fault: true},
		{Method: "GET", Path: "/kms/v1/keys", Query: "pageNo=1&pageSize=200", Status: 200, Dropped: true},
	}
	want := "GET /keys/{tag} 2, GET /keys (dropped) 1, POST /keys 1, POST /keys (429) 1"
	if got := describeCalls(calls); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if describeCalls(nil) != "none" {
		t.Error("empty journal")
	}
}

func TestMarkdownTable(t *testing.T) {
	got := markdownTable([]string{"step", "wall s"}, [][]string{{"apply", "1.62"}, {"refresh", "10.00"}})
	want := "" +
		"| step    | wall s |\n" +
		"| ------- | -----: |\n" +
		"| apply   |   1.62 |\n" +
		"| refresh |  10.00 |\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got, want := markdownTable([]string{"a", "b"}, nil), "| a   |   b |\n| --- | --: |\n"; got != want {
		t.Errorf("narrow columns keep a valid rule: got\n%s\nwant\n%s", got, want)
	}
}
