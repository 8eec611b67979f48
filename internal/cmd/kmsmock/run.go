package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

// run serves until ctx ends and returns the exit code: 0 after a clean stop, 2 for a bad command
// line, 1 when the mock cannot start. Only the three environment lines go to stdout.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "kmsmock:", err)
		return 2
	}
	server := kmsmock.New(cfg.opts)
	if err := server.Listen(cfg.addr); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "NCLOUD_KMS_ENDPOINT=%s\nNCLOUD_ACCESS_KEY=%s\nNCLOUD_SECRET_KEY=%s\n",
		server.URL(), server.AccessKey(), server.SecretKey())
	fmt.Fprintf(stderr, "kmsmock: serving %s (latency %v, rate limit %g rps, throttle %.3g, server errors %.3g, seed %d)\n",
		server.URL(), cfg.opts.Latency, cfg.opts.RateLimit, cfg.opts.Faults.Throttle, cfg.opts.Faults.ServerError, cfg.opts.Faults.Seed)
	fmt.Fprintf(stderr, "kmsmock: helpers: GET http://%s/_mock/journal, POST http://%s/_mock/clock?advance=72h; Ctrl-C stops\n",
		server.Addr(), server.Addr())
	<-ctx.Done()
	if err := server.Close(); err != nil {
		fmt.Fprintln(stderr, "kmsmock: closing:", err)
		return 1
	}
	fmt.Fprintln(stderr, "kmsmock: stopped")
	return 0
}
