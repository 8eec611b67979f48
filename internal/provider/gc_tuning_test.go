package provider

import (
	"math"
	"os"
	"runtime/debug"
	"testing"
)

func TestTuneGarbageCollector(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	unset := func(name string) {
		t.Setenv(name, "")
		os.Unsetenv(name)
	}

	t.Run("environment silent", func(t *testing.T) {
		unset("GOGC")
		unset("GOMEMLIMIT")
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
		tuneGarbageCollector()
		if got := debug.SetGCPercent(100); got != providerGCPercent {
			t.Errorf("GC percent = %d, want %d", got, providerGCPercent)
		}
		if got := debug.SetMemoryLimit(-1); got != providerMemoryLimit {
			t.Errorf("memory limit = %d, want %d", got, providerMemoryLimit)
		}
	})
	t.Run("GOGC and GOMEMLIMIT win", func(t *testing.T) {
		t.Setenv("GOGC", "100")
		t.Setenv("GOMEMLIMIT", "off")
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
		tuneGarbageCollector()
		if got := debug.SetGCPercent(100); got != 100 {
			t.Errorf("GC percent = %d, want GOGC's 100", got)
		}
		if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
			t.Errorf("memory limit = %d, want none", got)
		}
	})
}
