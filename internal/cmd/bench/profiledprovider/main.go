// Command profiledprovider is the provider with profiling, for `bench -cpuprofile DIR`: each
// provider process that Terraform starts writes DIR/provider-<pid>.pprof (CPU, when Terraform shuts
// it down), DIR/provider-<pid>.heap.pprof (live heap at its largest), .exit.heap.pprof (live heap
// once the work is over: what the process keeps) and .txt (peak heap, goroutines, heap at exit).
package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/provider"
)

// profileDirEnv names the directory the profiles go to; the bench sets it.
const profileDirEnv = "NCLOUDKMS_BENCH_PROFILE_DIR"

func main() {
	if dir := os.Getenv(profileDirEnv); dir != "" {
		stop := startProfiles(dir)
		defer stop()
	}
	if err := provider.Serve("bench", false); err != nil { // as main.go serves it, so the profile matches
		log.Print(err)
	}
}

func startProfiles(dir string) (stop func()) {
	prefix := filepath.Join(dir, fmt.Sprintf("provider-%d", os.Getpid()))
	cpuFile, err := os.Create(prefix + ".pprof")
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.StartCPUProfile(cpuFile); err != nil {
		log.Fatal(err)
	}
	done, watched := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(watched)
		watchHeap(prefix+".heap.pprof", done)
	}()
	return func() {
		close(done)
		<-watched
		pprof.StopCPUProfile()
		_ = cpuFile.Close()
	}
}

// watchHeap rewrites the heap profile whenever the heap in use reaches a new high, at most
// every 100 ms, so that the file shows what the process held at its peak. It also records
// the most goroutines seen (each RPC in flight holds at least one) in a .txt beside it.
func watchHeap(path string, done <-chan struct{}) {
	var highest uint64
	mostGoroutines := 0
	ticker := time.NewTicker(100 * time.Millisecond)
	defer ticker.Stop()
	for {
		select {
		case <-done:
			// Live heap once the work is over: high means something keeps per-RPC data.
			runtime.GC()
			var final runtime.MemStats
			runtime.ReadMemStats(&final)
			summary := fmt.Sprintf("heap_inuse_max_bytes %d\ngoroutines_max %d\nlive_heap_at_exit_bytes %d\n",
				highest, mostGoroutines, final.HeapAlloc)
			_ = os.WriteFile(strings.TrimSuffix(path, ".heap.pprof")+".txt", []byte(summary), 0o644)
			if file, err := os.Create(strings.TrimSuffix(path, ".heap.pprof") + ".exit.heap.pprof"); err == nil {
				_ = pprof.Lookup("heap").WriteTo(file, 0)
				_ = file.Close()
			}
			return
		case <-ticker.C:
		}
		mostGoroutines = max(mostGoroutines, runtime.NumGoroutine())
		var stats runtime.MemStats
		runtime.ReadMemStats(&stats)
		if stats.HeapInuse <= highest {
			continue
		}
		highest = stats.HeapInuse
		if file, err := os.Create(path); err == nil {
			_ = pprof.Lookup("heap").WriteTo(file, 0)
			_ = file.Close()
		}
	}
}
