package main

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/server"
)

// stepResult is one step: its cost on the keys and on the null provider, and the API's view.
type stepResult struct {
	name       string
	keys, null timing
	// frameworkNull is the null provider served by terraform-plugin-framework: the least a
	// provider on the framework can take; null ÷ it is the framework's own share.
	frameworkNull timing
	calls         int // API calls in the mock's journal
	minCalls      int
	callKinds     string // the calls by kind, as describeCalls writes them
	connections   int64  // connections the mock accepted
	// without is the cost of the keys with one workaround switched off, by its name.
	without map[string]timing
}

// nullRatio is the keys' wall time over the null provider's: 1 is the least any provider with the
// key's schema can take behind Terraform's plugin protocol.
func (r stepResult) nullRatio() float64 {
	return r.keys.wall.Seconds() / r.null.wall.Seconds()
}

// frameworkNullRatio is the keys' wall time over the framework null's: 1 is the least any
// provider on terraform-plugin-framework with the key's schema can take.
func (r stepResult) frameworkNullRatio() float64 {
	return r.keys.wall.Seconds() / r.frameworkNull.wall.Seconds()
}

// summary holds the figures of the last line and of the targets.
type summary struct {
	worstNullRatio          float64
	worstFrameworkNullRatio float64
	callsOverMinimum        int
	connections             int64
	peakMemory              uint64 // bytes; 0 where the provider processes are not sampled
}

func summarize(steps []stepResult) summary {
	var s summary
	for _, step := range steps {
		s.worstNullRatio = max(s.worstNullRatio, step.nullRatio())
		s.worstFrameworkNullRatio = max(s.worstFrameworkNullRatio, step.frameworkNullRatio())
		s.callsOverMinimum += max(0, step.calls-step.minCalls)
		s.connections = max(s.connections, step.connections)
		s.peakMemory = max(s.peakMemory, step.keys.process.peakMemory)
	}
	return s
}

// line is the last line of the output, in the form scripts read.
func (s summary) line() string {
	return fmt.Sprintf("bench: worst_null_ratio=%.2f calls_over_minimum=%d connections=%d", s.worstNullRatio, s.callsOverMinimum, s.connections)
}

// Targets at N=300, 25 ms latency and parallelism 10 (the memory target holds at N=1000 too).
const (
	targetNullRatio  = 1.05
	targetExtraConns = 2 // connections ≤ parallelism + this
	targetMemoryMiB  = 100
)

// writeReport prints the table, the calls each step made and whether each target is met.
func writeReport(w io.Writer, opts options, steps []stepResult) {
	fmt.Fprintf(w, "\nN=%d keys, latency %s, parallelism %d\n\n", opts.keys, opts.latency, opts.parallelism)
	header := []string{"step", "wall s", "null provider s", "null ratio", "framework null s", "framework null ratio",
		"CPU s", "null CPU s", "framework null CPU s", "framework null CPU ratio", "API calls", "minimum", "connections",
		"provider processes", "peak MiB"}
	rows := make([][]string, 0, len(steps))
	for _, s := range steps {
		processes, peak := "n/a", "n/a"
		if p := s.keys.process; p.processes > 0 {
			processes, peak = strconv.Itoa(p.processes), mebibytes(p.peakMemory)
		}
		rows = append(rows, []string{s.name, seconds(s.keys.wall), seconds(s.null.wall), fmt.Sprintf("%.2f", s.nullRatio()),
			seconds(s.frameworkNull.wall), fmt.Sprintf("%.2f", s.frameworkNullRatio()), seconds(s.keys.cpu), seconds(s.null.cpu),
			seconds(s.frameworkNull.cpu), ratio("", s.keys.cpu, s.frameworkNull.cpu), strconv.Itoa(s.calls), strconv.Itoa(s.minCalls), strconv.FormatInt(s.connections, 10), processes, peak})
	}
	fmt.Fprint(w, markdownTable(header, rows))
	fmt.Fprintln(w)
	writeWorkarounds(w, steps)
	for _, s := range steps {
		fmt.Fprintf(w, "calls %-8s %s\n", s.name+":", s.callKinds)
	}
	fmt.Fprintln(w)
	sum := summarize(steps)
	maxConns := opts.parallelism + targetExtraConns
	memory := verdict(sum.peakMemory <= targetMemoryMiB<<20, "provider peak memory",
		fmt.Sprintf("%s MiB, target <= %d MiB", mebibytes(sum.peakMemory), targetMemoryMiB))
	if sum.peakMemory == 0 {
		memory = "target n/a    provider peak memory: not sampled (it needs Linux's /proc)"
	}
	for _, line := range []string{
		verdict(sum.worstNullRatio <= targetNullRatio, "null ratio (wall / null-provider wall)",
			fmt.Sprintf("worst %.2f, target <= %.2f; over the framework null, the least a provider on the framework takes: worst %.2f",
				sum.worstNullRatio, targetNullRatio, sum.worstFrameworkNullRatio)),
		verdict(sum.callsOverMinimum == 0, "API calls over the minimum", fmt.Sprintf("%d, target 0", sum.callsOverMinimum)),
		verdict(sum.connections <= int64(maxConns), "connections per step", fmt.Sprintf("max %d, target <= %d", sum.connections, maxConns)),
		memory,
	} {
		fmt.Fprintln(w, line)
	}
	fmt.Fprintln(w)
}

// ratio is a over b with two decimals after prefix, or n/a without b.
func ratio(prefix string, a, b time.Duration) string {
	if b <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%s%.2f", prefix, a.Seconds()/b.Seconds())
}

// writeWorkarounds prints, per workaround, each step's wall time and CPU time (Terraform's with its
// provider processes, steadier on a busy machine) and the run's peak memory with it switched off,
// over the same with every workaround on: what keeping it is worth.
func writeWorkarounds(w io.Writer, steps []stepResult) {
	if len(server.Workarounds) == 0 || len(steps) == 0 {
		return
	}
	if len(steps[0].without) == 0 {
		fmt.Fprintln(w, "The workarounds (DESIGN.md §11) were not switched off one by one (-workarounds=false).")
		fmt.Fprintln(w)
		return
	}
	header := []string{"workaround switched off"}
	for _, s := range steps {
		header = append(header, s.name+" wall / CPU")
	}
	header = append(header, "peak MiB", "peak MiB with it")
	var rows [][]string
	for _, name := range server.Workarounds {
		row := []string{name}
		var peakWithout, peakWith uint64
		for _, s := range steps {
			without := s.without[name]
			row = append(row, ratio("x", without.wall, s.keys.wall)+" / "+ratio("x", without.cpu, s.keys.cpu))
			peakWithout, peakWith = max(peakWithout, without.process.peakMemory), max(peakWith, s.keys.process.peakMemory)
		}
		if peakWith == 0 { // not sampled (it needs Linux's /proc)
			rows = append(rows, append(row, "n/a", "n/a"))
			continue
		}
		rows = append(rows, append(row, mebibytes(peakWithout), mebibytes(peakWith)))
	}
	fmt.Fprintln(w, "Each workaround (DESIGN.md §11) switched off in a run of its own on the same build, against the provider as shipped:")
	fmt.Fprintln(w)
	fmt.Fprint(w, markdownTable(header, rows))
	fmt.Fprintln(w)
}

func verdict(met bool, what, detail string) string {
	word := "met   "
	if !met {
		word = "MISSED"
	}
	return fmt.Sprintf("target %s %s: %s", word, what, detail)
}

// describeCalls counts the journal's calls by kind ("GET /keys/{tag} 300"), most frequent first;
// answers other than 2xx (retries, faults) are counted apart with their status, so that a retry
// shows.
func describeCalls(calls []kmsmock.Call) string {
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
	kinds := slices.Collect(maps.Keys(counts))
	slices.SortFunc(kinds, func(a, b string) int { return cmp.Or(counts[b]-counts[a], strings.Compare(a, b)) })
	for i, kind := range kinds {
		kinds[i] = kind + " " + strconv.Itoa(counts[kind])
	}
	return cmp.Or(strings.Join(kinds, ", "), "none")
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
	for r, row := range append([][]string{header, nil}, rows...) {
		for i, w := range widths {
			switch {
			case r == 1 && i == 0:
				fmt.Fprintf(&b, "| %s ", strings.Repeat("-", w))
			case r == 1:
				fmt.Fprintf(&b, "| %s: ", strings.Repeat("-", w-1))
			case i == 0:
				fmt.Fprintf(&b, "| %-*s ", w, row[i])
			default:
				fmt.Fprintf(&b, "| %*s ", w, row[i])
			}
		}
		b.WriteString("|\n")
	}
	return b.String()
}

func seconds(d time.Duration) string {
	return fmt.Sprintf("%.2f", d.Seconds())
}

func mebibytes(b uint64) string {
	return fmt.Sprintf("%.1f", float64(b)/(1<<20))
}
