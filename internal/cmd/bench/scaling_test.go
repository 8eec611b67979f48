package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestScalingRows(t *testing.T) {
	small := runResult{keys: 100, steps: []stepResult{
		{name: "apply", wall: time.Second, floor: 200 * time.Millisecond, ideal: 550 * time.Millisecond},
		{name: "refresh", wall: 500 * time.Millisecond, floor: 100 * time.Millisecond, ideal: 250 * time.Millisecond, null: 400 * time.Millisecond},
	}}
	large := runResult{keys: 1000, steps: []stepResult{
		{name: "apply", wall: 9 * time.Second, floor: time.Second, ideal: 5050 * time.Millisecond},
		{name: "refresh", wall: 6 * time.Second, floor: 800 * time.Millisecond, ideal: 2500 * time.Millisecond, null: 4 * time.Second},
	}}
	rows := scalingRows(small, large)
	if len(rows) != 2 || rows[0].wallRatio() != 9 || rows[1].wallRatio() != 12 {
		t.Fatalf("rows = %+v", rows)
	}
	if rows[0].floorRatio != 5 || rows[1].idealRatio != 10 || rows[1].nullRatio != 10 || rows[0].nullRatio != 0 {
		t.Errorf("floor/ideal ratios: %+v", rows)
	}
	if got := worstScalingRatio(rows); got != 12 {
		t.Errorf("worst = %v, want 12", got)
	}

	var out bytes.Buffer
	writeScaling(&out, small, large)
	for _, want := range []string{
		"Scaling from N=100 to N=1000 (10x the keys)",
		"| step    | wall N=100 s | wall N=1000 s | time ratio | floor ratio | ideal API ratio | null provider ratio |",
		"| refresh |         0.50 |          6.00 |      12.00 |        8.00 |           10.00 |               10.00 |",
		"target MISSED time ratio per step: worst 12.00, target <= 11",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
