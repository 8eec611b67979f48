package main

import (
	"fmt"
	"io"
	"strconv"
	"time"
)

// scalingRow compares one step at two sizes.
type scalingRow struct {
	step                   string
	smallWall, largeWall   time.Duration
	floorRatio, idealRatio float64 // the same ratios for Terraform alone and for the API latency alone
	nullRatio              float64 // and for the null provider
}

func (r scalingRow) wallRatio() float64 {
	return r.largeWall.Seconds() / r.smallWall.Seconds()
}

// scalingRows pairs the steps of two runs by name.
func scalingRows(small, large runResult) []scalingRow {
	var rows []scalingRow
	for _, s := range small.steps {
		for _, l := range large.steps {
			if s.name != l.name {
				continue
			}
			rows = append(rows, scalingRow{
				step: s.name, smallWall: s.wall, largeWall: l.wall,
				floorRatio: l.floor.Seconds() / s.floor.Seconds(),
				idealRatio: ratioOrZero(l.ideal, s.ideal),
				nullRatio:  ratioOrZero(l.null, s.null),
			})
		}
	}
	return rows
}

func ratioOrZero(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return a.Seconds() / b.Seconds()
}

// worstScalingRatio is the largest wall-time ratio over the steps.
func worstScalingRatio(rows []scalingRow) float64 {
	worst := 0.0
	for _, r := range rows {
		worst = max(worst, r.wallRatio())
	}
	return worst
}

// writeScaling prints the comparison and whether each step stays within the target.
func writeScaling(w io.Writer, small, large runResult) {
	rows := scalingRows(small, large)
	header := []string{"step",
		"wall N=" + strconv.Itoa(small.keys) + " s", "wall N=" + strconv.Itoa(large.keys) + " s", "time ratio",
		"floor ratio", "ideal API ratio", "null provider ratio"}
	var cells [][]string
	for _, r := range rows {
		cells = append(cells, []string{r.step, seconds(r.smallWall), seconds(r.largeWall),
			fmt.Sprintf("%.2f", r.wallRatio()), fmt.Sprintf("%.2f", r.floorRatio), fmt.Sprintf("%.2f", r.idealRatio),
			fmt.Sprintf("%.2f", r.nullRatio)})
	}
	fmt.Fprintf(w, "\nScaling from N=%d to N=%d (%gx the keys)\n\n", small.keys, large.keys, float64(large.keys)/float64(small.keys))
	fmt.Fprint(w, markdownTable(header, cells))
	fmt.Fprintln(w)
	worst := worstScalingRatio(rows)
	fmt.Fprintln(w, verdict(worst <= targetScalingRatio, "time ratio per step",
		fmt.Sprintf("worst %.2f, target <= %d", worst, targetScalingRatio)))
}
