package main

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
	"time"
)

// parseVmHWM returns the peak resident set size ("VmHWM:  1234 kB") of a /proc/<pid>/status
// text, in bytes.
func parseVmHWM(status []byte) (uint64, bool) {
	scanner := bufio.NewScanner(bytes.NewReader(status))
	for scanner.Scan() {
		rest, found := strings.CutPrefix(scanner.Text(), "VmHWM:")
		if !found {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, false
		}
		kib, err := strconv.ParseUint(fields[0], 10, 64)
		if err != nil {
			return 0, false
		}
		return kib * 1024, true
	}
	return 0, false
}

// clockTicksPerSecond is USER_HZ, the unit of the CPU times in /proc/<pid>/stat; it is 100 on
// every Linux architecture Go supports.
const clockTicksPerSecond = 100

// parseCPUTime returns user + system CPU time from a /proc/<pid>/stat line. The command name
// (field 2) may hold spaces and parentheses, so fields are counted after its closing ")".
func parseCPUTime(stat []byte) (time.Duration, bool) {
	end := bytes.LastIndexByte(stat, ')')
	if end < 0 {
		return 0, false
	}
	// After ")": state(3) ppid(4) ... utime(14) stime(15).
	fields := strings.Fields(string(stat[end+1:]))
	if len(fields) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseUint(fields[11], 10, 64)
	stime, err2 := strconv.ParseUint(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * time.Second / clockTicksPerSecond, true
}

// socketInode reads the inode of an fd link such as "socket:[12345]".
func socketInode(link string) (uint64, bool) {
	inner, found := strings.CutPrefix(link, "socket:[")
	if !found {
		return 0, false
	}
	inner, found = strings.CutSuffix(inner, "]")
	if !found {
		return 0, false
	}
	inode, err := strconv.ParseUint(inner, 10, 64)
	return inode, err == nil
}

// tcpRemotePorts adds to into the remote port of every socket in a /proc/net/tcp or tcp6 table,
// by inode. A socket not yet connected has remote port 0.
func tcpRemotePorts(table []byte, into map[uint64]int) {
	scanner := bufio.NewScanner(bytes.NewReader(table))
	scanner.Scan() // header
	for scanner.Scan() {
		// sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
		fields := strings.Fields(scanner.Text())
		if len(fields) < 10 {
			continue
		}
		_, remotePort, found := strings.Cut(fields[2], ":")
		if !found {
			continue
		}
		port, err1 := strconv.ParseUint(remotePort, 16, 32)
		inode, err2 := strconv.ParseUint(fields[9], 10, 64)
		if err1 == nil && err2 == nil && inode != 0 {
			into[inode] = int(port)
		}
	}
}

// unixSocketInodes adds to into the inodes listed in /proc/net/unix.
func unixSocketInodes(table []byte, into map[uint64]bool) {
	scanner := bufio.NewScanner(bytes.NewReader(table))
	scanner.Scan() // header
	for scanner.Scan() {
		// Num RefCount Protocol Flags Type St Inode [Path]
		fields := strings.Fields(scanner.Text())
		if len(fields) < 7 {
			continue
		}
		if inode, err := strconv.ParseUint(fields[6], 10, 64); err == nil {
			into[inode] = true
		}
	}
}
