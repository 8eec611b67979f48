package provider

import (
	"os"
	"runtime/debug"
)

// Garbage-collector settings of the provider process, unless GOGC or GOMEMLIMIT set them. The
// live heap stays near 10 MB however many keys a plan has, so Go's default (collect each time
// the heap doubles) collects every few keys; 300 cut the provider's CPU in `make bench` by a
// quarter for about 15 MB more. The soft limit keeps a large heap from growing fourfold.
const (
	providerGCPercent   = 300
	providerMemoryLimit = 256 << 20
)

// tuneGarbageCollector applies those settings where the environment has none.
func tuneGarbageCollector() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(providerGCPercent)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(providerMemoryLimit)
	}
}
