// Command kmsmock serves the in-memory NCloud KMS mock on a loopback port for people and scripts:
//
//	go run ./internal/cmd/kmsmock -latency 25ms -fail-rate 0.05
//
// It prints NCLOUD_KMS_ENDPOINT, NCLOUD_ACCESS_KEY and NCLOUD_SECRET_KEY lines (and SSL_CERT_FILE
// with -tls) and stops cleanly on SIGINT or SIGTERM.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
