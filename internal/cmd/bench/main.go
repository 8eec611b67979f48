// Command bench measures ncloudkms_key at scale against the in-process mock NCloud KMS API: apply,
// a refresh plan with no changes, an in-place update of 10 % of the keys, `terraform query` of the
// keys without and with include_resource (skipped, with the reason printed, on a CLI without
// `terraform query`), and a destroy of N keys.
// Each step runs first on the null provider (./nullprovider: the key's schema, no API, it only
// waits the latency of the calls a key needs), the least any provider can take behind Terraform,
// then on the same served by terraform-plugin-framework, the least any provider on the framework
// can take, and the report divides each step's wall time by both. Then the provider runs
// each step once more per workaround of DESIGN.md §11 with that one switched off, so that the
// report shows what each is worth on the same build. `make bench` runs it; BENCH_FLAGS passes flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"syscall"
	"time"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/server"
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

// options are the command-line flags.
type options struct {
	keys        int
	latency     time.Duration
	parallelism int
	keep        bool
	cpuProfiles string // directory for the provider's CPU profiles; "" for none
	workarounds bool   // run every step once more per workaround switched off
}

// maxKeys keeps generated names ("bench-00000") within the API's 15-character limit.
const maxKeys = 99999

func parseOptions(args []string, errOut io.Writer) (options, error) {
	var opts options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.IntVar(&opts.keys, "n", 300, "number of keys (and of null-provider resources)")
	fs.DurationVar(&opts.latency, "latency", 25*time.Millisecond, "latency the mock adds to every answer (and the null provider waits per call)")
	fs.IntVar(&opts.parallelism, "parallelism", 10, "terraform -parallelism")
	fs.BoolVar(&opts.keep, "keep", false, "keep the temporary directory (configurations, state, logs) and print its path")
	fs.StringVar(&opts.cpuProfiles, "cpuprofile", "", "write a CPU profile of every provider process (the null providers' too) under this directory, one folder per step and run (profiling slows the provider a little)")
	fs.BoolVar(&opts.workarounds, "workarounds", true, "run every step once more per workaround of DESIGN.md §11 switched off (-workarounds=false: the provider as shipped and the nulls only)")
	if err := fs.Parse(args); err != nil {
		return opts, err
	}
	if opts.cpuProfiles != "" {
		absolute, err := filepath.Abs(opts.cpuProfiles)
		if err != nil {
			return opts, err
		}
		opts.cpuProfiles = absolute
	}
	var problem error
	switch {
	case fs.NArg() > 0:
		problem = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case opts.keys < 1 || opts.keys > maxKeys:
		problem = fmt.Errorf("-n must be between 1 and %d", maxKeys)
	case opts.parallelism < 1:
		problem = errors.New("-parallelism must be at least 1")
	case opts.latency < 0:
		problem = errors.New("-latency must not be negative")
	}
	if problem != nil {
		fmt.Fprintln(errOut, "bench:", problem)
		fs.Usage()
	}
	return opts, problem
}

// run builds both providers, starts the mock, times the steps and prints the report, whose last
// line is the summary.
func run(ctx context.Context, opts options, out io.Writer) (err error) {
	terraform, err := exec.LookPath("terraform")
	if err != nil {
		return fmt.Errorf("terraform is not on PATH (make bench puts one there): %w", err)
	}
	ws, err := newWorkspace(opts.keys)
	if err != nil {
		return err
	}
	defer func() {
		switch {
		case !opts.keep:
			_ = ws.remove()
		case err != nil:
			fmt.Fprintln(os.Stderr, "bench: kept", ws.root)
		}
	}()
	if err := ws.buildProviders(ctx, opts.cpuProfiles != ""); err != nil {
		return err
	}
	mock, err := startMock(ws, opts.latency)
	if err != nil {
		return err
	}
	defer mock.Close()

	settings := map[string]string{
		"HOME":                ws.path("home"),
		"TF_CLI_CONFIG_FILE":  ws.path(cliConfigFile),
		"CHECKPOINT_DISABLE":  "1",
		"TF_IN_AUTOMATION":    "1",
		"NCLOUD_KMS_ENDPOINT": mock.URL(),
		"NCLOUD_ACCESS_KEY":   mock.AccessKey(),
		"NCLOUD_SECRET_KEY":   mock.SecretKey(),
		// Go reads the roots from SSL_CERT_FILE on Linux; the provider inherits Terraform's environment.
		"SSL_CERT_FILE": ws.path(certFile),
		nullLatencyEnv:  opts.latency.String(),
	}
	tf := &terraformRunner{path: terraform, logDir: ws.path("logs"), env: terraformEnv(os.Environ(), settings)}
	version := tf.version(ctx)
	fmt.Fprintln(out, headerLine(version))
	steps := benchSteps(opts.keys, opts.parallelism)
	if !tf.hasQuery(ctx) {
		fmt.Fprintf(out, "bench: skipping the steps query and query-resources: `terraform query` needs Terraform 1.14 or later; this is %s\n", version)
		steps = slices.DeleteFunc(steps, func(s step) bool { return s.query })
	}

	// Untimed: catches a broken configuration early, and lets the first timed step find Terraform
	// and the provider binaries in the page cache like every later one.
	for _, dir := range []string{keysDir, nullDir} { // the other runs' configurations differ from these only in names
		if _, err := tf.run(ctx, ws.path(dir), "validate-"+dir, "validate", "-no-color"); err != nil {
			return err
		}
	}
	var results []stepResult
	for _, s := range steps {
		label := s.name + "-" + strconv.Itoa(opts.keys)
		nullEnv, err := profileEnv(opts.cpuProfiles, s.name+"-null", nil)
		if err != nil {
			return err
		}
		null, err := timeStep(ctx, tf, nullEnv, ws.path(nullDir), label+"-null", ws.path(binDir, nullProviderBinary), s.args)
		if err != nil {
			return err
		}
		frameworkNullEnv, err := profileEnv(opts.cpuProfiles, s.name+"-null-framework", []string{nullFrameworkEnv + "=1"})
		if err != nil {
			return err
		}
		frameworkNull, err := timeStep(ctx, tf, frameworkNullEnv, ws.path(frameworkNullDir), label+"-null-framework",
			ws.path(binDir, nullProviderBinary), s.args)
		if err != nil {
			return err
		}
		result := stepResult{name: s.name, null: null, frameworkNull: frameworkNull, minCalls: s.minCalls, without: map[string]timing{}}
		for _, keysRun := range keysRuns(opts.workarounds) {
			mock.ResetJournal()
			connectionsBefore := mock.ConnectionsAccepted()
			env, err := profileEnv(opts.cpuProfiles, s.name+"-"+keysRun.label(), keysRun.env())
			if err != nil {
				return err
			}
			cost, err := timeStep(ctx, tf, env, ws.path(keysRun.dir()), label+"-"+keysRun.label(), ws.path(binDir, providerBinary), s.args)
			if err != nil {
				return err
			}
			if err := verifyKeys(mock.Keys(), keysRun.prefix(), opts.keys, s.revision); err != nil {
				return fmt.Errorf("after %s-%s: %w", label, keysRun.label(), err)
			}
			if keysRun.workaround != "" {
				result.without[keysRun.workaround] = cost
				continue
			}
			calls := mock.Journal()
			result.keys, result.calls, result.callKinds = cost, len(calls), describeCalls(calls)
			result.connections = mock.ConnectionsAccepted() - connectionsBefore
		}
		results = append(results, result)
	}
	writeReport(out, opts, results)
	if opts.keep {
		fmt.Fprintln(out, "kept (configurations, state, one log per Terraform command):", ws.root)
	}
	if opts.cpuProfiles != "" {
		fmt.Fprintf(out, "CPU profiles of the provider processes: %s/<step>-<run>/provider-*.pprof, <run> keys, null or null-framework (go tool pprof -top <step>-<run>/*.pprof merges a step's processes; to subtract the framework null's, merge it first: go tool pprof -proto <step>-null-framework/*.pprof > base.pb.gz, then -diff_base base.pb.gz)\n", opts.cpuProfiles)
	}
	fmt.Fprintln(out, summarize(results).line())
	return nil
}

// cpuProfileDirEnv tells a provider built with the benchprofile tag where to write its CPU profile.
const cpuProfileDirEnv = server.CPUProfileDirEnv

// profileEnv adds to env the profile folder of one step and run under root, when root is set.
func profileEnv(root, folder string, env []string) ([]string, error) {
	if root == "" {
		return env, nil
	}
	dir := filepath.Join(root, folder)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return append(slices.Clip(env), cpuProfileDirEnv+"="+dir), nil
}

// timeStep runs terraform args in dir, with extraEnv, while sampling the processes of the provider
// exe (the null provider's too, so that both sides of a step bear the same sampling load).
func timeStep(ctx context.Context, tf *terraformRunner, extraEnv []string, dir, label, exe string, args []string) (timing, error) {
	sampler := startProcessSampler(exe)
	t, err := tf.runWithEnv(ctx, extraEnv, dir, label, args...)
	t.process = sampler.Stop()
	return t, err
}

// startMock starts the mock on a free loopback port, serving HTTPS with HTTP/2 as NCloud does,
// with its certificate in the workspace.
func startMock(ws workspace, latency time.Duration) (*kmsmock.Server, error) {
	mock := kmsmock.New(kmsmock.Options{Latency: latency})
	if err := mock.ListenTLS("127.0.0.1:0"); err != nil {
		return nil, err
	}
	if err := os.WriteFile(ws.path(certFile), mock.CertificatePEM(), 0o644); err != nil {
		_ = mock.Close()
		return nil, err
	}
	return mock, nil
}

// headerLine is the first line of the output: what ran the benchmark.
func headerLine(terraformVersion string) string {
	return fmt.Sprintf("bench: %s, %s, %s/%s, %d CPUs, API over HTTPS (HTTP/2)", terraformVersion,
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
}
