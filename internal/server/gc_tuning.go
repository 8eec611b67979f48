package server

import (
	"os"
	"runtime/debug"
)

// A workaround for a measured cost, in one file so that it can go in one commit. The provider's
// live heap stays near 10 MB however many resources a plan has, while each protocol call allocates
// a few hundred KB in the framework, so Go's default (collect each time the heap doubles) collects
// every few calls. `make bench` shows what the higher target saves, side by side; the soft limit
// keeps a large heap from growing fourfold. GOGC or GOMEMLIMIT, when set, win.
const (
	providerGCPercent   = 400
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
