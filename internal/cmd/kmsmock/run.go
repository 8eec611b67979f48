package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

// run serves until ctx ends and returns the exit code: 0 after a clean stop, 2 for a bad command
// line, 1 when the mock cannot start. Only the environment lines go to stdout.
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
	certFile, removeCertFile, err := listen(server, cfg)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer removeCertFile()
	fmt.Fprintf(stdout, "NCLOUD_KMS_ENDPOINT=%s\nNCLOUD_ACCESS_KEY=%s\nNCLOUD_SECRET_KEY=%s\n",
		server.URL(), server.AccessKey(), server.SecretKey())
	if certFile != "" {
		fmt.Fprintf(stdout, "SSL_CERT_FILE=%s\n", certFile)
	}
	fmt.Fprintf(stderr, "kmsmock: serving %s (latency %v, rate limit %g rps, throttle %.3g, server errors %.3g, seed %d)\n",
		server.URL(), cfg.opts.Latency, cfg.opts.RateLimit, cfg.opts.Faults.Throttle, cfg.opts.Faults.ServerError, cfg.opts.Faults.Seed)
	base := strings.TrimSuffix(server.URL(), "/kms/v1")
	fmt.Fprintf(stderr, "kmsmock: helpers: GET %s/_mock/journal, POST %s/_mock/clock?advance=72h, "+
		"POST %s/_mock/use?tag=TAG&action=decrypt&ip=10.0.0.7&ago=1h (see -h); Ctrl-C stops\n", base, base, base)
	<-ctx.Done()
	if err := server.Close(); err != nil {
		fmt.Fprintln(stderr, "kmsmock: closing:", err)
		return 1
	}
	fmt.Fprintln(stderr, "kmsmock: stopped")
	return 0
}

// listen starts server as cfg asks. With -tls it also writes the certificate and returns the
// file's absolute path and a func that removes the file if listen made it up.
func listen(server *kmsmock.Server, cfg config) (certFile string, remove func(), err error) {
	remove = func() {}
	if !cfg.tls {
		return "", remove, server.Listen(cfg.addr)
	}
	if err := server.ListenTLS(cfg.addr); err != nil {
		return "", remove, err
	}
	if cfg.certFile == "" {
		var f *os.File
		if f, err = os.CreateTemp("", "kmsmock-cert-*.pem"); err == nil {
			_ = f.Close() // written below, by name
			certFile = f.Name()
			remove = func() { _ = os.Remove(certFile) }
		}
	} else {
		certFile, err = filepath.Abs(cfg.certFile)
	}
	if err == nil {
		err = os.WriteFile(certFile, server.CertificatePEM(), 0o644)
	}
	if err != nil {
		remove()
		_ = server.Close()
		return "", func() {}, fmt.Errorf("kmsmock: writing the certificate: %w", err)
	}
	return certFile, remove, nil
}
