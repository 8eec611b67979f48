package main

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// startRun runs the command in the background and returns its three stdout lines as a map.
func startRun(t *testing.T, args ...string) (env map[string]string, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdoutR, stdoutW := io.Pipe()
	codes := make(chan int, 1)
	go func() {
		codes <- run(ctx, args, stdoutW, io.Discard)
		stdoutW.Close()
	}()
	env = map[string]string{}
	scanner := bufio.NewScanner(stdoutR)
	for len(env) < 3 && scanner.Scan() {
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
}
