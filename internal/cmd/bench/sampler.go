package main

import (
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// sampleInterval is how often the provider processes are looked at. VmHWM only grows, so a
// process that ends between two looks loses at most its last 20 ms of growth.
const sampleInterval = 20 * time.Millisecond

// processSample is what the sampler saw of the provider processes during one step.
type processSample struct {
	processes          int    // distinct provider processes
	peakMemory         uint64 // largest VmHWM of any of them, bytes
	maxConnsPerProcess int    // most connections to the mock that one process held, over its life
	// cpu is the CPU time of the provider processes, as last seen (short by at most one interval
	// of each process's last work).
	cpu time.Duration
}

// processSampler watches every process whose executable is the built provider: its peak
// memory, and the sockets it holds to the mock (to tell one process's connections from another's).
type processSampler struct {
	exe      string
	mockPort int
	stop     chan struct{}
	done     chan struct{}

	mu      sync.Mutex
	peaks   map[int]uint64
	cpu     map[int]time.Duration
	sockets map[int]map[uint64]bool
	// toMock classifies the socket inodes seen so far. Reading /proc/net/tcp costs the kernel a
	// walk of its whole socket table, so it is read only for an unknown socket, and at most
	// every tableRereadInterval while a socket stays unresolved (not connected yet).
	toMock        map[uint64]bool
	lastTableRead time.Time
}

const tableRereadInterval = 200 * time.Millisecond

func startProcessSampler(exe string, mockPort int) *processSampler {
	s := &processSampler{
		exe: exe, mockPort: mockPort,
		stop: make(chan struct{}), done: make(chan struct{}),
		peaks: map[int]uint64{}, cpu: map[int]time.Duration{}, sockets: map[int]map[uint64]bool{},
		toMock: map[uint64]bool{},
	}
	go s.loop()
	return s
}

func (s *processSampler) loop() {
	defer close(s.done)
	ticker := time.NewTicker(sampleInterval)
	defer ticker.Stop()
	for {
		s.sampleOnce()
		select {
		case <-s.stop:
			return
		case <-ticker.C:
		}
	}
}

// Stop ends sampling (after one last look) and returns the summary.
func (s *processSampler) Stop() processSample {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	var out processSample
	out.processes = len(s.peaks)
	for _, peak := range s.peaks {
		out.peakMemory = max(out.peakMemory, peak)
	}
	for _, cpu := range s.cpu {
		out.cpu += cpu
	}
	for _, inodes := range s.sockets {
		out.maxConnsPerProcess = max(out.maxConnsPerProcess, len(inodes))
	}
	return out
}

func (s *processSampler) sampleOnce() {
	pids := s.providerPIDs()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, pid := range pids {
		dir := "/proc/" + strconv.Itoa(pid)
		if status, err := os.ReadFile(dir + "/status"); err == nil {
			if hwm, ok := parseVmHWM(status); ok {
				s.peaks[pid] = max(s.peaks[pid], hwm)
			}
		}
		if stat, err := os.ReadFile(dir + "/stat"); err == nil {
			if cpu, ok := parseCPUTime(stat); ok {
				s.cpu[pid] = cpu
			}
		}
		if s.sockets[pid] == nil {
			s.sockets[pid] = map[uint64]bool{}
		}
		for _, inode := range socketInodes(dir) {
			if s.classify(inode) {
				s.sockets[pid][inode] = true
			}
		}
	}
}

// classify reports whether a socket is a TCP connection to the mock (IPv4: it listens on
// 127.0.0.1). A Unix socket (Terraform's gRPC) or a connection elsewhere is remembered as not.
func (s *processSampler) classify(inode uint64) bool {
	if toMock, known := s.toMock[inode]; known {
		return toMock
	}
	if time.Since(s.lastTableRead) < tableRereadInterval {
		return false // unresolved for now; looked at again later
	}
	s.lastTableRead = time.Now()
	ports := map[uint64]int{}
	if table, err := os.ReadFile("/proc/net/tcp"); err == nil {
		tcpRemotePorts(table, ports)
	}
	unix := map[uint64]bool{}
	if table, err := os.ReadFile("/proc/net/unix"); err == nil {
		unixSocketInodes(table, unix)
	}
	for known, port := range ports {
		if port != 0 {
			s.toMock[known] = port == s.mockPort
		}
	}
	if unix[inode] {
		s.toMock[inode] = false
	}
	return s.toMock[inode]
}

// providerPIDs lists the running processes whose executable is the built provider.
func (s *processSampler) providerPIDs() []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, entry := range entries {
		pid, err := strconv.Atoi(entry.Name())
		if err != nil {
			continue
		}
		if exe, err := os.Readlink("/proc/" + entry.Name() + "/exe"); err == nil && exe == s.exe {
			pids = append(pids, pid)
		}
	}
	return pids
}

// socketInodes lists the socket inodes among a process's open files.
func socketInodes(procDir string) []uint64 {
	fdDir := filepath.Join(procDir, "fd")
	entries, err := os.ReadDir(fdDir)
	if err != nil {
		return nil
	}
	var inodes []uint64
	for _, entry := range entries {
		link, err := os.Readlink(filepath.Join(fdDir, entry.Name()))
		if err != nil {
			continue
		}
		if inode, ok := socketInode(link); ok {
			inodes = append(inodes, inode)
		}
	}
	return inodes
}
