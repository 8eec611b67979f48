package main

import (
	"io"
	"testing"
	"time"
)

func TestParseOptions_defaults(t *testing.T) {
	opts, err := parseOptions(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := options{keys: 300, latency: 25 * time.Millisecond, parallelism: 10, repeat: 1, tls: true}
	if opts != want {
		t.Errorf("got %+v, want %+v", opts, want)
	}
}

func TestParseOptions_flags(t *testing.T) {
	opts, err := parseOptions([]string{"-n", "1000", "-latency", "5ms", "-parallelism", "20", "-keep", "-scaling", "-repeat", "3", "-tls=false"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := options{keys: 1000, latency: 5 * time.Millisecond, parallelism: 20, keep: true, scaling: true, repeat: 3, tls: false}
	if opts != want {
		t.Errorf("got %+v, want %+v", opts, want)
	}
}

func TestParseOptions_rejects(t *testing.T) {
	for _, args := range [][]string{
		{"-n", "0"}, {"-n", "100000"}, {"-parallelism", "0"}, {"-latency", "-1ms"}, {"-repeat", "0"}, {"extra"}, {"-unknown"},
	} {
		if _, err := parseOptions(args, io.Discard); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}
