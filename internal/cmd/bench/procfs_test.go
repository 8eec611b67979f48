package main

import (
	"os"
	"testing"
	"time"
)

func TestParseVmHWM(t *testing.T) {
	status := []byte("Name:\tterraform-provi\nVmPeak:\t 1300000 kB\nVmHWM:\t   23456 kB\nVmRSS:\t   20000 kB\n")
	got, ok := parseVmHWM(status)
	if !ok || got != 23456*1024 {
		t.Errorf("got %d, %v; want %d", got, ok, 23456*1024)
	}
	for _, bad := range []string{"Name:\tx\n", "VmHWM:\t12 MB\n", "VmHWM:\tlots kB\n"} {
		if _, ok := parseVmHWM([]byte(bad)); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestParseVmHWM_ownProcess(t *testing.T) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc:", err)
	}
	if got, ok := parseVmHWM(status); !ok || got < 1<<20 {
		t.Errorf("own VmHWM = %d, %v", got, ok)
	}
}

func TestSocketInode(t *testing.T) {
	if got, ok := socketInode("socket:[98765]"); !ok || got != 98765 {
		t.Errorf("got %d, %v", got, ok)
	}
	for _, bad := range []string{"pipe:[123]", "/dev/null", "socket:[x]", "socket:[12"} {
		if _, ok := socketInode(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestTCPRemotePorts(t *testing.T) {
	// Port 0x9C41 = 40001. Rows: a client to the mock, the mock's own end, a socket not yet
	// connected (remote port 0), and a closed socket with inode 0.
	table := []byte(`  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:D2F0 0100007F:9C41 01 00000000:00000000 00:00000000 00000000     0        0 1111 1 0 20 4 30 10 -1
   1: 0100007F:9C41 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 2222 1 0 20 4 30 10 -1
   2: 00000000:0000 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 3333 1 0 20 4 30 10 -1
   3: 0100007F:D2F2 0100007F:9C41 06 00000000:00000000 03:00000000 00000000     0        0 0 3 0 0 0 0
`)
	got := map[uint64]int{}
	tcpRemotePorts(table, got)
	want := map[uint64]int{1111: 40001, 2222: 0xD2F0, 3333: 0}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for inode, port := range want {
		if got[inode] != port {
			t.Errorf("inode %d: port %d, want %d", inode, got[inode], port)
		}
	}
	tcp6 := []byte(`  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0000000000000000FFFF00000100007F:D2F0 0000000000000000FFFF00000100007F:9C41 01 00000000:00000000 00:00000000 00000000     0        0 4444 1 0 20 4 30 10 -1
`)
	tcpRemotePorts(tcp6, got)
	if got[4444] != 40001 {
		t.Errorf("tcp6 row: %v", got)
	}
}

func TestUnixSocketInodes(t *testing.T) {
	table := []byte(`Num       RefCount Protocol Flags    Type St Inode Path
0000000000000000: 00000002 00000000 00010000 0001 01 5555 /tmp/plugin123
0000000000000000: 00000003 00000000 00000000 0001 03 6666
`)
	got := map[uint64]bool{}
	unixSocketInodes(table, got)
	if len(got) != 2 || !got[5555] || !got[6666] {
		t.Errorf("got %v", got)
	}
}

func TestParseCPUTime(t *testing.T) {
	stat := []byte("4242 (terraform-pro) vider) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 30 0 0 20 0 12 0 5000 1000000 5000 18446744073709551615\n")
	got, ok := parseCPUTime(stat)
	if !ok || got != 2800*time.Millisecond {
		t.Errorf("got %s, %v; want 2.8s", got, ok)
	}
	if _, ok := parseCPUTime([]byte("4242 (x) S 1 2")); ok {
		t.Error("a short line parsed")
	}
}

func TestParseCPUTime_ownProcess(t *testing.T) {
	stat, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		t.Skip("no /proc:", err)
	}
	if _, ok := parseCPUTime(stat); !ok {
		t.Errorf("own stat did not parse: %s", stat)
	}
}
