package main

import (
	"testing"
	"time"
)

func TestBestOf(t *testing.T) {
	first := []stepResult{{name: "apply", wall: 3 * time.Second, floor: time.Second, null: 2 * time.Second, cpu: 2 * time.Second, floorCPU: time.Second,
		calls: 602, connections: 11, process: processSample{processes: 3, peakMemory: 50, maxConnsPerProcess: 10}}}
	second := []stepResult{{name: "apply", wall: 2 * time.Second, floor: 2 * time.Second, null: time.Second, cpu: 3 * time.Second, floorCPU: 500 * time.Millisecond,
		calls: 604, connections: 10, process: processSample{processes: 4, peakMemory: 40, maxConnsPerProcess: 11},
		callCounts: []callCount{{"POST /keys (429)", 2}}}}
	got := bestOf([][]stepResult{first, second})[0]
	want := stepResult{name: "apply", wall: 2 * time.Second, floor: time.Second, null: time.Second, cpu: 2 * time.Second, floorCPU: 500 * time.Millisecond,
		calls: 604, connections: 11, process: processSample{processes: 4, peakMemory: 50, maxConnsPerProcess: 11}}
	if got.wall != want.wall || got.floor != want.floor || got.null != want.null || got.cpu != want.cpu || got.floorCPU != want.floorCPU ||
		got.calls != want.calls || got.connections != want.connections || got.process != want.process {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if len(got.callCounts) != 1 {
		t.Errorf("the call counts must come from the run with the most calls: %+v", got.callCounts)
	}
	if first[0].wall != 3*time.Second {
		t.Error("bestOf changed its input")
	}
	if bestOf(nil) != nil {
		t.Error("no cycles")
	}
}
