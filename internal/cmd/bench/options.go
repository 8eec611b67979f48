package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"time"
)

// options are the command-line flags.
type options struct {
	keys        int
	latency     time.Duration
	parallelism int
	keep        bool
	scaling     bool
	repeat      int
	cpuProfile  string // directory for the provider processes' CPU profiles; "" for none
	tls         bool   // serve the mock over HTTPS, like the real API, offering HTTP/2
}

// Scaling mode compares these two sizes; the target is a time ratio of at most 11.
const (
	scalingSmallN = 100
	scalingLargeN = 1000
)

// maxKeys keeps generated names ("bench-00000") within the API's 15-character limit.
const maxKeys = 99999

func parseOptions(args []string, errOut io.Writer) (options, error) {
	var opts options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.IntVar(&opts.keys, "n", 300, "number of keys (and of terraform_data resources)")
	fs.DurationVar(&opts.latency, "latency", 25*time.Millisecond, "latency the mock adds to every answer")
	fs.IntVar(&opts.parallelism, "parallelism", 10, "terraform -parallelism")
	fs.BoolVar(&opts.keep, "keep", false, "keep the temporary directory (configurations, state, logs) and print its path")
	fs.BoolVar(&opts.scaling, "scaling", false,
		fmt.Sprintf("run N=%d and N=%d (ignoring -n) and print each step's time ratio", scalingSmallN, scalingLargeN))
	fs.IntVar(&opts.repeat, "repeat", 1, "run the steps this many times and report each step's fastest run (for a busy machine)")
	fs.StringVar(&opts.cpuProfile, "cpuprofile", "",
		"write a CPU profile of every provider process into this directory (builds internal/cmd/bench/profiledprovider)")
	fs.BoolVar(&opts.tls, "tls", true,
		"serve the mock API over HTTPS (as NCloud is served) offering HTTP/2, trusted through SSL_CERT_FILE (-tls=false: plain HTTP/1.1)")
	if err := fs.Parse(args); err != nil {
		return opts, err
	}
	var problem error
	switch {
	case fs.NArg() > 0:
		problem = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case opts.keys < 1 || opts.keys > maxKeys:
		problem = fmt.Errorf("-n must be between 1 and %d", maxKeys)
	case opts.parallelism < 1:
		problem = errors.New("-parallelism must be at least 1")
	case opts.repeat < 1:
		problem = errors.New("-repeat must be at least 1")
	case opts.latency < 0:
		problem = errors.New("-latency must not be negative")
	}
	if problem != nil {
		fmt.Fprintln(errOut, "bench:", problem)
		fs.Usage()
	}
	return opts, problem
}
