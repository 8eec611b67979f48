package server

import (
	"os"
	"slices"
	"strings"
)

// The workarounds that only save time or memory, each in its own file (DESIGN.md §11). Naming one in
// DisableWorkaroundsEnv switches it off for that process, so that `make bench` can show what each
// one is worth beside the same build with it on, in the same run. Users have no reason to set it.
const (
	WorkaroundQuietSDKLogs     = "quiet_sdk_logs"    // quiet_sdk_logs.go
	WorkaroundContextRetention = "context_retention" // context_retention.go
	WorkaroundGCTuning         = "gc_tuning"         // gc_tuning.go

	DisableWorkaroundsEnv = "NCLOUDKMS_DISABLE_WORKAROUNDS" // comma-separated names
)

// Workarounds lists them, for the benchmark.
var Workarounds = []string{WorkaroundQuietSDKLogs, WorkaroundContextRetention, WorkaroundGCTuning}

// workaroundEnabled reports whether DisableWorkaroundsEnv leaves the workaround on.
func workaroundEnabled(name string) bool {
	return !slices.Contains(strings.Split(os.Getenv(DisableWorkaroundsEnv), ","), name)
}
