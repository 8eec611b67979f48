package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func sampleRun() runResult {
	return runResult{keys: 300, latency: 25 * time.Millisecond, parallelism: 10, steps: []stepResult{
		{name: "apply", wall: 2300 * time.Millisecond, floor: 700 * time.Millisecond, ideal: 1550 * time.Millisecond, null: 2250 * time.Millisecond,
			cpu: 1500 * time.Millisecond, floorCPU: 600 * time.Millisecond, benchCPU: 300 * time.Millisecond, calls: 602, minCalls: 602, connections: 11,
			process:    processSample{processes: 3, peakMemory: 30 << 20, maxConnsPerProcess: 10, cpu: 700 * time.Millisecond},
			callCounts: []callCount{{"GET /keys/{tag}", 300}, {"POST /keys", 300}, {"GET /keys", 2}}},
		{name: "destroy", wall: 4 * time.Second, floor: 1 * time.Second, ideal: 2250 * time.Millisecond, null: 3900 * time.Millisecond,
			calls: 905, minCalls: 900, connections: 21,
			process: processSample{processes: 4, peakMemory: 40 << 20, maxConnsPerProcess: 11}},
	}}
}

func TestStepResult_ratio(t *testing.T) {
	r := stepResult{wall: 3 * time.Second, floor: time.Second, ideal: 1500 * time.Millisecond}
	if got := r.ratio(); got != 1.2 {
		t.Errorf("ratio = %v, want 1.2", got)
	}
}

func TestStepResult_nullRatio(t *testing.T) {
	r := stepResult{null: 2700 * time.Millisecond, floor: time.Second, ideal: 1500 * time.Millisecond}
	if got := r.nullRatio(); got != 1.08 {
		t.Errorf("nullRatio = %v, want 1.08", got)
	}
}

func TestSummaryLine(t *testing.T) {
	got := summarize(sampleRun()).summaryLine()
	// destroy: 4 / 3.25 = 1.23; apply: 2.3 / 2.25 = 1.02.
	if want := "bench: worst_ratio=1.23 calls_over_minimum=5 connections=21"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestSummarize_callsUnderTheMinimumDoNotOffsetCallsOver(t *testing.T) {
	run := runResult{steps: []stepResult{{calls: 5, minCalls: 10, wall: 1, floor: 1}, {calls: 12, minCalls: 10, wall: 1, floor: 1}}}
	if got := summarize(run).callsOverMinimum; got != 2 {
		t.Errorf("callsOverMinimum = %d, want 2", got)
	}
}

func TestWriteRun(t *testing.T) {
	var out bytes.Buffer
	writeRun(&out, sampleRun())
	text := out.String()
	for _, want := range []string{
		"N=300 keys, latency 25ms, parallelism 10",
		"| step    | wall s | floor s | ideal API s | ratio | null provider s | null ratio | API calls | minimum | connections | conns/process | provider processes | peak MiB |",
		"| apply   |   2.30 |    0.70 |        1.55 |  1.02 |            2.25 |       1.00 |       602 |     602 |          11 |            10 |                  3 |     30.0 |",
		"| destroy |   4.00 |    1.00 |        2.25 |  1.23 |            3.90 |       1.20 |       905 |     900 |          21 |            11 |                  4 |     40.0 |",
		"| step    | Terraform + provider | of which provider | floor (Terraform) | mock + sampler | per key, ms |",
		"| apply   |                 1.50 |              0.70 |              0.60 |           0.30 |        3.00 |",
		"calls apply:   GET /keys/{tag} 300, POST /keys 300, GET /keys 2",
		"calls destroy: none",
		"target MISSED ratio (wall / (floor + ideal)): worst 1.23, target <= 1.15",
		"target MISSED API calls over the minimum: 5, target 0",
		"target MISSED connections per step: max 21, target <= 12",
		"target met    connections per provider process: max 11, target <= 12",
		"target met    provider peak memory: 40.0 MiB, target <= 100 MiB",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
}

func TestWriteRun_namesRepeatedRuns(t *testing.T) {
	run := sampleRun()
	run.repeat = 3
	var out bytes.Buffer
	writeRun(&out, run)
	if !strings.Contains(out.String(), "N=300 keys, latency 25ms, parallelism 10, fastest of 3 runs\n") {
		t.Errorf("header:\n%s", out.String())
	}
}
