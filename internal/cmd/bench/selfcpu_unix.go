//go:build unix

package main

import (
	"syscall"
	"time"
)

// selfCPU is the CPU time this process (the in-process mock and the sampler) has used so far.
func selfCPU() time.Duration {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		return 0
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}
