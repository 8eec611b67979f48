package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

// config is what the command line asks for.
type config struct {
	addr     string
	tls      bool   // serve HTTPS with HTTP/2
	certFile string // where -tls writes the certificate; "" for a temporary file
	opts     kmsmock.Options
}

// throttleShare is the part of -fail-rate answered 429; the rest is 5xx. Throttling is the failure
// a client meets most in practice, so it gets the larger share.
const throttleShare = 2.0 / 3.0

// parseFlags reads and checks the command line. Usage and errors go to stderr; the error is
// flag.ErrHelp for -h.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("kmsmock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: go run ./internal/cmd/kmsmock [flags]")
		fmt.Fprintln(stderr, "Serves an in-memory NCloud KMS /kms/v1 API on a loopback address and prints")
		fmt.Fprintln(stderr, "NCLOUD_KMS_ENDPOINT, NCLOUD_ACCESS_KEY and NCLOUD_SECRET_KEY lines for the provider")
		fmt.Fprintln(stderr, "(with -tls also SSL_CERT_FILE, the certificate the provider must trust).")
		fmt.Fprintln(stderr, "")
		fmt.Fprintln(stderr, "Unsigned helpers for loopback clients, beside /kms/v1:")
		fmt.Fprintln(stderr, "  GET  /_mock/journal                 the API calls received (method, path, status)")
		fmt.Fprintln(stderr, "  POST /_mock/clock?advance=72h       move the model's clock (pending keys expire, keys rotate)")
		fmt.Fprintln(stderr, "  POST /_mock/use?tag=TAG&action=decrypt&type=API&ip=10.0.0.7&ago=1h")
		fmt.Fprintln(stderr, "                                      record a use of a key (last-use-info, activities);")
		fmt.Fprintln(stderr, "                                      action: encrypt, decrypt, re-encrypt, create-custom-key,")
		fmt.Fprintln(stderr, "                                      sign, verify or get-pub-key; type API (default) or CONSOLE;")
		fmt.Fprintln(stderr, "                                      ip defaults to the caller's, ago to 0; id=ACCOUNT optional")
		fmt.Fprintln(stderr, "")
		fmt.Fprintln(stderr, "Flags:")
		fs.PrintDefaults()
	}
	var (
		cfg      config
		failRate float64
	)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:0", "listen address; loopback only (port 0 picks a free port)")
	fs.BoolVar(&cfg.tls, "tls", false, "serve HTTPS with HTTP/2, like the real API, with a self-signed certificate")
	fs.StringVar(&cfg.certFile, "cert-file", "", "with -tls: write the certificate here (default: a temporary file, removed on exit)")
	fs.StringVar(&cfg.opts.AccessKey, "access-key", kmsmock.DefaultAccessKey, "access key the mock accepts")
	fs.StringVar(&cfg.opts.SecretKey, "secret-key", kmsmock.DefaultSecretKey, "secret key the mock accepts")
	fs.DurationVar(&cfg.opts.Latency, "latency", 0, "delay added to each answer, e.g. 25ms")
	fs.Float64Var(&cfg.opts.RateLimit, "rate-limit", 0, "requests per second before answering 429 (0 = no limit)")
	fs.Float64Var(&failRate, "fail-rate", 0, "share of requests (0-1) answered with a random 429 (2/3) or 5xx (1/3)")
	fs.Int64Var(&cfg.opts.Faults.Seed, "seed", 0, "seed of the random faults, for reproducible runs")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	var problems []error
	if fs.NArg() > 0 {
		problems = append(problems, fmt.Errorf("unexpected arguments %q", fs.Args()))
	}
	if err := checkLoopback(cfg.addr); err != nil {
		problems = append(problems, err)
	}
	if cfg.certFile != "" && !cfg.tls {
		problems = append(problems, errors.New("-cert-file needs -tls"))
	}
	if cfg.opts.AccessKey == "" || cfg.opts.SecretKey == "" {
		problems = append(problems, errors.New("-access-key and -secret-key must not be empty"))
	}
	if cfg.opts.Latency < 0 {
		problems = append(problems, fmt.Errorf("-latency %v is negative", cfg.opts.Latency))
	}
	if cfg.opts.RateLimit < 0 {
		problems = append(problems, fmt.Errorf("-rate-limit %v is negative", cfg.opts.RateLimit))
	}
	if !(failRate >= 0 && failRate <= 1) { // also catches NaN
		problems = append(problems, fmt.Errorf("-fail-rate %v is not between 0 and 1", failRate))
	}
	cfg.opts.Faults.Throttle = failRate * throttleShare
	cfg.opts.Faults.ServerError = failRate - cfg.opts.Faults.Throttle
	return cfg, errors.Join(problems...)
}

// checkLoopback refuses a listen address anyone else could reach: the mock has fixed credentials.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-addr %q is not a loopback address (use 127.0.0.1, ::1 or localhost)", addr)
	}
	return nil
}
