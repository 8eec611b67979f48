package main

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// startRun runs the command in the background and returns its stdout lines as a map (three, or
// four with -tls).
func startRun(t *testing.T, args ...string) (env map[string]string, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdoutR, stdoutW := io.Pipe()
	codes := make(chan int, 1)
	go func() {
		codes <- run(ctx, args, stdoutW, io.Discard)
		stdoutW.Close()
	}()
	lines := 3
	if slices.Contains(args, "-tls") {
		lines = 4
	}
	env = map[string]string{}
	scanner := bufio.NewScanner(stdoutR)
	for len(env) < lines && scanner.Scan() {
		name, value, ok := strings.Cut(scanner.Text(), "=")
		if !ok {
			t.Fatalf("stdout line %q is not NAME=value", scanner.Text())
		}
		env[name] = value
	}
	go func() { _, _ = io.Copy(io.Discard, stdoutR) }()
	return env, func() int {
		cancel()
		select {
		case code := <-codes:
			return code
		case <-time.After(5 * time.Second):
			t.Fatal("run did not stop")
			return -1
		}
	}
}

func sign(method, uri, ts, accessKey, secretKey string) string {
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(method + " " + uri + "\n" + ts + "\n" + accessKey))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func TestRunServesAndStopsCleanly(t *testing.T) {
	env, stop := startRun(t, "-access-key", "RUNAK", "-secret-key", "RUNSK")
	endpoint := env["NCLOUD_KMS_ENDPOINT"]
	if !strings.HasPrefix(endpoint, "http://127.0.0.1:") || !strings.HasSuffix(endpoint, "/kms/v1") {
		t.Fatalf("NCLOUD_KMS_ENDPOINT = %q", endpoint)
	}
	if env["NCLOUD_ACCESS_KEY"] != "RUNAK" || env["NCLOUD_SECRET_KEY"] != "RUNSK" {
		t.Fatalf("printed credentials %v", env)
	}
	req, _ := http.NewRequest("GET", endpoint+"/keys?pageNo=1", nil)
	ts := strconv.FormatInt(time.Now().UnixMilli(), 10)
	req.Header.Set("x-ncp-apigw-timestamp", ts)
	req.Header.Set("x-ncp-iam-access-key", "RUNAK")
	req.Header.Set("x-ncp-apigw-signature-v2", sign("GET", req.URL.RequestURI(), ts, "RUNAK", "RUNSK"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("signed list: %d", resp.StatusCode)
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit code %d after the context ended, want 0", code)
	}
	if _, err := http.Get(strings.TrimSuffix(endpoint, "/kms/v1") + "/_mock/journal"); err == nil {
		t.Fatal("still serving after stop")
	}
}

func TestRunServesTLS(t *testing.T) {
	for _, name := range []string{"cert-file", "temporary file"} {
		t.Run(name, func(t *testing.T) {
			t.Setenv("TMPDIR", t.TempDir()) // where the temporary certificate goes
			args := []string{"-tls"}
			var wantFile string
			if name == "cert-file" {
				wantFile = filepath.Join(t.TempDir(), "mock.pem")
				args = append(args, "-cert-file", wantFile)
			}
			env, stop := startRun(t, args...)
			certFile, endpoint := env["SSL_CERT_FILE"], env["NCLOUD_KMS_ENDPOINT"]
			if !strings.HasPrefix(endpoint, "https://127.0.0.1:") || certFile == "" || (wantFile != "" && certFile != wantFile) {
				t.Fatalf("printed %v", env)
			}
			certPEM, err := os.ReadFile(certFile)
			if err != nil {
				t.Fatal(err)
			}
			roots := x509.NewCertPool()
			if !roots.AppendCertsFromPEM(certPEM) {
				t.Fatalf("%s holds no certificate", certFile)
			}
			transport := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, ForceAttemptHTTP2: true}
			defer transport.CloseIdleConnections()
			req, _ := http.NewRequest("GET", endpoint+"/keys", nil)
			ts := strconv.FormatInt(time.Now().UnixMilli(), 10)
			req.Header.Set("x-ncp-apigw-timestamp", ts)
			req.Header.Set("x-ncp-iam-access-key", env["NCLOUD_ACCESS_KEY"])
			req.Header.Set("x-ncp-apigw-signature-v2", sign("GET", "/kms/v1/keys", ts, env["NCLOUD_ACCESS_KEY"], env["NCLOUD_SECRET_KEY"]))
			resp, err := (&http.Client{Transport: transport}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 || resp.ProtoMajor != 2 {
				t.Fatalf("signed list: %d over %s, want 200 over HTTP/2", resp.StatusCode, resp.Proto)
			}
			if code := stop(); code != 0 {
				t.Fatalf("exit code %d", code)
			}
			// A file the command made up goes with it; one it was told to write stays.
			if _, err := os.Stat(certFile); (err == nil) != (wantFile != "") {
				t.Errorf("after stop, stat %s: %v", certFile, err)
			}
		})
	}
}

func TestRunExitCodes(t *testing.T) {
	var stderr strings.Builder
	if code := run(context.Background(), []string{"-addr", "0.0.0.0:0"}, io.Discard, &stderr); code != 2 {
		t.Fatalf("non-loopback -addr: exit %d, want 2", code)
	}
	if !strings.Contains(stderr.String(), "not a loopback address") {
		t.Fatalf("stderr = %q", stderr.String())
	}
	if code := run(context.Background(), []string{"-h"}, io.Discard, io.Discard); code != 0 {
		t.Fatalf("-h: exit %d, want 0", code)
	}
	env, stop := startRun(t)
	defer stop()
	busy := strings.TrimPrefix(strings.TrimSuffix(env["NCLOUD_KMS_ENDPOINT"], "/kms/v1"), "http://")
	var stdout strings.Builder
	if code := run(context.Background(), []string{"-addr", busy}, &stdout, io.Discard); code != 1 {
		t.Fatalf("port in use: exit %d, want 1", code)
	}
	if stdout.Len() != 0 {
		t.Fatalf("a failed start printed %q", stdout.String())
	}
	noDir := filepath.Join(t.TempDir(), "missing", "cert.pem")
	if code := run(context.Background(), []string{"-tls", "-cert-file", noDir}, &stdout, io.Discard); code != 1 || stdout.Len() != 0 {
		t.Fatalf("unwritable -cert-file: exit %d, stdout %q; want 1 and nothing", code, stdout.String())
	}
}
