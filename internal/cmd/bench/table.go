package main

import (
	"strings"
	"unicode/utf8"
)

// markdownTable renders rows as a Markdown table padded to line up in a terminal too. The first
// column is left-aligned, the others (numbers) right-aligned.
func markdownTable(header []string, rows [][]string) string {
	widths := make([]int, len(header))
	for _, row := range append([][]string{header}, rows...) {
		for i, cell := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(cell), 3)
		}
	}
	var b strings.Builder
	writeRow := func(cells []string) {
		b.WriteString("|")
		for i, cell := range cells {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell))
			if i == 0 {
				b.WriteString(" " + cell + pad + " |")
			} else {
				b.WriteString(" " + pad + cell + " |")
			}
		}
		b.WriteString("\n")
	}
	writeRow(header)
	rule := make([]string, len(header))
	for i, w := range widths {
		if i == 0 {
			rule[i] = strings.Repeat("-", w)
		} else {
			rule[i] = strings.Repeat("-", w-1) + ":"
		}
	}
	writeRow(rule)
	for _, row := range rows {
		writeRow(row)
	}
	return b.String()
}
