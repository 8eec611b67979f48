//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// sampleInterval is how often /proc is read. VmHWM only grows, so a process that ends between two
// looks loses at most its last 20 ms of growth.
const sampleInterval = 20 * time.Millisecond

// processSampler watches, in /proc, every process whose executable is exe, and keeps the peak
// resident memory (VmHWM) of each.
type processSampler struct {
	stop, done chan struct{}
	peaks      map[string]uint64 // by /proc directory; written by the loop, read once it is done
}

func startProcessSampler(exe string) *processSampler {
	if resolved, err := filepath.EvalSymlinks(exe); err == nil {
		exe = resolved // /proc/<pid>/exe shows the path with every symlink resolved
	}
	s := &processSampler{stop: make(chan struct{}), done: make(chan struct{}), peaks: map[string]uint64{}}
	go func() {
		defer close(s.done)
		for {
			dirs, _ := filepath.Glob("/proc/[0-9]*")
			for _, dir := range dirs {
				if link, err := os.Readlink(dir + "/exe"); err != nil || link != exe {
					continue
				}
				if status, err := os.ReadFile(dir + "/status"); err == nil {
					if peak, ok := parseVmHWM(string(status)); ok {
						s.peaks[dir] = max(s.peaks[dir], peak)
					}
				}
			}
			select {
			case <-s.stop:
				return
			case <-time.After(sampleInterval):
			}
		}
	}()
	return s
}

// Stop ends sampling and returns what was seen.
func (s *processSampler) Stop() processSample {
	close(s.stop)
	<-s.done
	out := processSample{processes: len(s.peaks)}
	for _, peak := range s.peaks {
		out.peakMemory = max(out.peakMemory, peak)
	}
	return out
}

// parseVmHWM returns the peak resident set size ("VmHWM:  1234 kB") of a /proc/<pid>/status
// text, in bytes.
func parseVmHWM(status string) (uint64, bool) {
	for line := range strings.Lines(status) {
		if rest, found := strings.CutPrefix(line, "VmHWM:"); found {
			kib, unit, _ := strings.Cut(strings.TrimSpace(rest), " ")
			n, err := strconv.ParseUint(kib, 10, 64)
			return n * 1024, err == nil && unit == "kB"
		}
	}
	return 0, false
}
