package server

// CPUProfileDirEnv names the directory where a provider process built with the benchprofile tag
// writes its CPU profile, one file per process (profile.go); make bench -cpuprofile sets it.
const CPUProfileDirEnv = "NCLOUDKMS_CPUPROFILE_DIR"

// stopProfile ends the CPU profile that a build with the benchprofile tag starts (profile.go);
// released builds have nothing to stop.
var stopProfile = func() {}

// StopCPUProfile ends the CPU profile of a build with the benchprofile tag, for a process that
// serves without Serve (the benchmark's null provider); elsewhere it does nothing.
func StopCPUProfile() { stopProfile() }
