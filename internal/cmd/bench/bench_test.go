package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStartMock(t *testing.T) {
	ws := workspace{certFile: filepath.Join(t.TempDir(), "mock-cert.pem")}
	for tls, scheme := range map[bool]string{true: "https://", false: "http://"} {
		mock, err := bench{ws: ws, tls: tls}.startMock()
		if err != nil {
			t.Fatal(err)
		}
		defer mock.Close()
		if !strings.HasPrefix(mock.URL(), scheme) {
			t.Errorf("tls=%v: URL %q", tls, mock.URL())
		}
		if tls {
			written, err := os.ReadFile(ws.certFile)
			if err != nil || len(written) == 0 || !bytes.Equal(written, mock.CertificatePEM()) {
				t.Errorf("certificate file %q (%v), want the mock's certificate", written, err)
			}
		}
	}
}
