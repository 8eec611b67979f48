// Command bench measures ncloudkms_key at scale against the in-process mock NCloud KMS API: apply,
// a refresh plan with no changes, an in-place update of 10 % of the keys and a destroy of N keys,
// beside the same steps for N terraform_data resources (Terraform's own floor) and the time the
// API latency alone imposes. `make bench` runs it; BENCH_FLAGS passes flags.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	opts, err := parseOptions(os.Args[1:], os.Stderr)
	if err != nil {
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, opts, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		stop()
		os.Exit(1)
	}
}
