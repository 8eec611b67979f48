//go:build benchprofile

package server

import (
	"log"
	"os"
	"runtime/pprof"
)

// With the benchprofile tag only (make bench -cpuprofile): a CPU profile per provider process.

func init() {
	dir := os.Getenv(CPUProfileDirEnv)
	if dir == "" {
		return
	}
	file, err := os.CreateTemp(dir, "provider-*.pprof")
	if err != nil {
		log.Printf("CPU profile: %v", err)
		return
	}
	if err := pprof.StartCPUProfile(file); err != nil {
		log.Printf("CPU profile: %v", err)
		_ = file.Close()
		return
	}
	stopProfile = func() {
		pprof.StopCPUProfile()
		_ = file.Close()
	}
}
