package server

// CPUProfileDirEnv names the directory where a provider process built with the benchprofile tag
// writes its CPU profile, one file per process (profile.go); make bench -cpuprofile sets it.
const CPUProfileDirEnv = "NCLOUDKMS_CPUPROFILE_DIR"

// stopProfile ends the CPU profile that a build with the benchprofile tag starts (profile.go);
// released builds have nothing to stop.
var stopProfile = func() {}
