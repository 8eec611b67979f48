//go:build benchprofile

package main

import (
	"log"
	"os"
	"runtime/pprof"
)

// cpuProfileDirEnv names the directory where a provider process built with the benchprofile tag
// writes its CPU profile, one file per process; the benchmark sets it (make bench -cpuprofile).
const cpuProfileDirEnv = "NCLOUDKMS_CPUPROFILE_DIR"

func init() {
	dir := os.Getenv(cpuProfileDirEnv)
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
