package main

// bestOf merges repeated runs of the same steps: the fastest wall and CPU times (the least
// disturbed by other work on the machine), and the most calls, connections and memory (so that
// repeating never hides a cost).
func bestOf(cycles [][]stepResult) []stepResult {
	if len(cycles) == 0 {
		return nil
	}
	best := append([]stepResult(nil), cycles[0]...)
	for _, cycle := range cycles[1:] {
		for i, s := range cycle {
			b := &best[i]
			b.wall, b.floor, b.null = min(b.wall, s.wall), min(b.floor, s.floor), min(b.null, s.null)
			b.cpu, b.floorCPU, b.benchCPU = min(b.cpu, s.cpu), min(b.floorCPU, s.floorCPU), min(b.benchCPU, s.benchCPU)
			if s.calls > b.calls {
				b.calls, b.callCounts = s.calls, s.callCounts
			}
			b.connections = max(b.connections, s.connections)
			b.process.cpu = min(b.process.cpu, s.process.cpu)
			b.process.processes = max(b.process.processes, s.process.processes)
			b.process.peakMemory = max(b.process.peakMemory, s.process.peakMemory)
			b.process.maxConnsPerProcess = max(b.process.maxConnsPerProcess, s.process.maxConnsPerProcess)
		}
	}
	return best
}
