package main

import "testing"

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
}

func TestMarkdownTable_narrowColumnsKeepAValidRule(t *testing.T) {
	got := markdownTable([]string{"a", "b"}, nil)
	want := "| a   |   b |\n| --- | --: |\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
