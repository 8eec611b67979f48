package main

import (
	"fmt"
	"io"
	"strconv"
	"time"
)

// stepResult is one step of one run: the keys, their floor and the API's least work.
type stepResult struct {
	name        string
	wall        time.Duration // the ncloudkms_key command
	floor       time.Duration // the same command on terraform_data
	null        time.Duration // the same command on the null provider's nullkms_key
	ideal       time.Duration // least time the API latency imposes
	cpu         time.Duration // CPU time of Terraform and the provider
	floorCPU    time.Duration
	benchCPU    time.Duration // this process (the mock and the sampler) during the step
	calls       int           // API calls in the mock's journal
	minCalls    int
	connections int64 // connections the mock accepted
	process     processSample
	callCounts  []callCount
}

// ratio is wall time over what Terraform and the API latency alone would take.
func (r stepResult) ratio() float64 {
	return r.wall.Seconds() / (r.floor + r.ideal).Seconds()
}

// nullRatio is the ratio the null provider reaches: the best any provider with the key's schema
// can do behind Terraform's plugin protocol.
func (r stepResult) nullRatio() float64 {
	return r.null.Seconds() / (r.floor + r.ideal).Seconds()
}

// runResult is one run at one size.
type runResult struct {
	keys        int
	latency     time.Duration
	parallelism int
	repeat      int
	steps       []stepResult
}

// summary holds the figures of the last line.
type summary struct {
	worstRatio       float64
	callsOverMinimum int
	connections      int64
	peakMemory       uint64
}

func summarize(runs ...runResult) summary {
	var s summary
	for _, run := range runs {
		for _, step := range run.steps {
			s.worstRatio = max(s.worstRatio, step.ratio())
			s.callsOverMinimum += max(0, step.calls-step.minCalls)
			s.connections = max(s.connections, step.connections)
			s.peakMemory = max(s.peakMemory, step.process.peakMemory)
		}
	}
	return s
}

// summaryLine is the last line of the output, in the form scripts read.
func (s summary) summaryLine() string {
	return fmt.Sprintf("bench: worst_ratio=%.2f calls_over_minimum=%d connections=%d", s.worstRatio, s.callsOverMinimum, s.connections)
}

// Targets of the issue, for N=300, 25 ms latency and parallelism 10.
const (
	targetRatio        = 1.15
	targetExtraConns   = 2 // connections ≤ parallelism + this
	targetMemoryMiB    = 100
	targetScalingRatio = 11
)

var resultHeader = []string{"step", "wall s", "floor s", "ideal API s", "ratio", "null provider s", "null ratio",
	"API calls", "minimum", "connections", "conns/process", "provider processes", "peak MiB"}

func (run runResult) tableRows() [][]string {
	rows := make([][]string, 0, len(run.steps))
	for _, s := range run.steps {
		rows = append(rows, []string{
			s.name, seconds(s.wall), seconds(s.floor), seconds(s.ideal), fmt.Sprintf("%.2f", s.ratio()),
			seconds(s.null), fmt.Sprintf("%.2f", s.nullRatio()),
			strconv.Itoa(s.calls), strconv.Itoa(s.minCalls), strconv.FormatInt(s.connections, 10),
			strconv.Itoa(s.process.maxConnsPerProcess), strconv.Itoa(s.process.processes), mebibytes(s.process.peakMemory),
		})
	}
	return rows
}

// The CPU table shows where the machine's time went; on few CPUs it bounds the wall time.
var cpuHeader = []string{"step", "Terraform + provider", "of which provider", "floor (Terraform)", "mock + sampler", "per key, ms"}

func (run runResult) cpuRows() [][]string {
	rows := make([][]string, 0, len(run.steps))
	for _, s := range run.steps {
		perKey := (s.cpu - s.floorCPU).Seconds() * 1000 / float64(max(run.keys, 1))
		rows = append(rows, []string{s.name, seconds(s.cpu), seconds(s.process.cpu), seconds(s.floorCPU),
			seconds(s.benchCPU), fmt.Sprintf("%.2f", perKey)})
	}
	return rows
}

// writeRun prints the tables of one run, the calls each step made and the targets.
func writeRun(w io.Writer, run runResult) {
	fmt.Fprintf(w, "\nN=%d keys, latency %s, parallelism %d", run.keys, run.latency, run.parallelism)
	if run.repeat > 1 {
		fmt.Fprintf(w, ", fastest of %d runs", run.repeat)
	}
	fmt.Fprint(w, "\n\n")
	fmt.Fprint(w, markdownTable(resultHeader, run.tableRows()))
	fmt.Fprint(w, "\nCPU seconds (per key: Terraform + provider beyond the floor)\n\n")
	fmt.Fprint(w, markdownTable(cpuHeader, run.cpuRows()))
	fmt.Fprintln(w)
	for _, s := range run.steps {
		fmt.Fprintf(w, "calls %-8s %s\n", s.name+":", formatCallCounts(s.callCounts))
	}
	fmt.Fprintln(w)
	for _, line := range targetLines(run) {
		fmt.Fprintln(w, line)
	}
}

// targetLines says, for each target of the issue, whether this run met it. Connections are also
// judged per provider process: a step with a plan walk and an apply walk runs two processes,
// and connections cannot pass from one process to the next.
func targetLines(run runResult) []string {
	s := summarize(run)
	maxConns := run.parallelism + targetExtraConns
	perProcess := 0
	for _, step := range run.steps {
		perProcess = max(perProcess, step.process.maxConnsPerProcess)
	}
	return []string{
		verdict(s.worstRatio <= targetRatio, "ratio (wall / (floor + ideal))", fmt.Sprintf("worst %.2f, target <= %.2f", s.worstRatio, targetRatio)),
		verdict(s.callsOverMinimum == 0, "API calls over the minimum", fmt.Sprintf("%d, target 0", s.callsOverMinimum)),
		verdict(s.connections <= int64(maxConns), "connections per step", fmt.Sprintf("max %d, target <= %d", s.connections, maxConns)),
		verdict(perProcess <= maxConns, "connections per provider process", fmt.Sprintf("max %d, target <= %d", perProcess, maxConns)),
		verdict(s.peakMemory <= targetMemoryMiB<<20, "provider peak memory", fmt.Sprintf("%s MiB, target <= %d MiB", mebibytes(s.peakMemory), targetMemoryMiB)),
	}
}

func verdict(met bool, what, detail string) string {
	word := "met   "
	if !met {
		word = "MISSED"
	}
	return fmt.Sprintf("target %s %s: %s", word, what, detail)
}

func seconds(d time.Duration) string {
	return fmt.Sprintf("%.2f", d.Seconds())
}

func mebibytes(b uint64) string {
	return fmt.Sprintf("%.1f", float64(b)/(1<<20))
}
