package main

import (
	"context"
	"fmt"
	"maps"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

// bench is one run at one size against a fresh mock.
type bench struct {
	ws          workspace
	terraform   string
	providerExe string
	keys        int
	latency     time.Duration
	parallelism int
	repeat      int
	tls         bool              // the mock serves HTTPS with HTTP/2
	extraEnv    map[string]string // more variables for Terraform and the provider
}

// benchTarget is the configurations of a run, with what they need to be measured.
type benchTarget struct {
	tf       *terraformRunner
	mock     *kmsmock.Server
	mockPort int
	dirs     configDirs
}

func (b bench) run(ctx context.Context) (runResult, error) {
	result := runResult{keys: b.keys, latency: b.latency, parallelism: b.parallelism, repeat: b.repeat}
	mock, err := b.startMock()
	if err != nil {
		return result, err
	}
	defer mock.Close()
	mockPort, err := portOf(mock.Addr())
	if err != nil {
		return result, err
	}
	dirs, err := b.ws.writeConfigs(b.keys)
	if err != nil {
		return result, err
	}
	settings := map[string]string{
		"HOME":                b.ws.home,
		"TF_CLI_CONFIG_FILE":  b.ws.cliConfig,
		"CHECKPOINT_DISABLE":  "1",
		"TF_IN_AUTOMATION":    "1",
		"NCLOUD_KMS_ENDPOINT": mock.URL(),
		"NCLOUD_ACCESS_KEY":   mock.AccessKey(),
		"NCLOUD_SECRET_KEY":   mock.SecretKey(),
		nullLatencyEnv:        b.latency.String(),
	}
	if b.tls {
		// Go reads the roots from SSL_CERT_FILE on Linux; the provider inherits Terraform's environment.
		settings["SSL_CERT_FILE"] = b.ws.certFile
	}
	maps.Copy(settings, b.extraEnv)
	target := benchTarget{mock: mock, mockPort: mockPort, dirs: dirs,
		tf: &terraformRunner{path: b.terraform, logDir: b.ws.logDir, env: terraformEnv(os.Environ(), settings)}}

	// Untimed: catches a broken configuration early, and lets the first timed step find Terraform
	// and the provider binary in the page cache like every later one.
	n := strconv.Itoa(b.keys)
	for label, dir := range map[string]string{"validate-keys-" + n: dirs.keys, "validate-floor-" + n: dirs.floor, "validate-null-" + n: dirs.null} {
		if _, err := target.tf.run(ctx, dir, label, "validate", "-no-color"); err != nil {
			return result, err
		}
	}

	// Each cycle ends with every key destroyed, so the next one starts from the same empty account.
	var cycles [][]stepResult
	for cycle := 1; cycle <= b.repeat; cycle++ {
		var steps []stepResult
		for _, s := range benchSteps(b.keys, b.parallelism) {
			label := fmt.Sprintf("%s-%d-run%d", s.name, b.keys, cycle)
			measured, err := b.measureStep(ctx, target, s, label)
			if err != nil {
				return result, err
			}
			steps = append(steps, measured)
		}
		cycles = append(cycles, steps)
	}
	result.steps = bestOf(cycles)
	return result, nil
}

// startMock starts a fresh mock on a free loopback port, over HTTPS with its certificate in the
// workspace when b.tls is set.
func (b bench) startMock() (*kmsmock.Server, error) {
	mock := kmsmock.New(kmsmock.Options{Latency: b.latency})
	if !b.tls {
		return mock, mock.Listen("127.0.0.1:0")
	}
	if err := mock.ListenTLS("127.0.0.1:0"); err != nil {
		return nil, err
	}
	if err := b.ws.writeCertificate(mock.CertificatePEM()); err != nil {
		_ = mock.Close()
		return nil, err
	}
	return mock, nil
}

// measureStep times a step on terraform_data and on the null provider, then on the keys with the
// mock's journal and connection count reset and the provider processes sampled, and checks the
// keys afterwards.
func (b bench) measureStep(ctx context.Context, t benchTarget, s step, label string) (stepResult, error) {
	floorSampler := startProcessSampler(b.providerExe, t.mockPort) // the same sampling load on all sides
	floor, err := t.tf.run(ctx, t.dirs.floor, label+"-floor", s.args...)
	floorSampler.Stop()
	if err != nil {
		return stepResult{}, err
	}
	nullSampler := startProcessSampler(b.providerExe, t.mockPort)
	null, err := t.tf.run(ctx, t.dirs.null, label+"-null", s.args...)
	nullSampler.Stop()
	if err != nil {
		return stepResult{}, err
	}

	t.mock.ResetJournal()
	connectionsBefore := t.mock.ConnectionsAccepted()
	benchCPUBefore := selfCPU()
	sampler := startProcessSampler(b.providerExe, t.mockPort)
	keys, err := t.tf.run(ctx, t.dirs.keys, label+"-keys", s.args...)
	process := sampler.Stop()
	benchCPU := selfCPU() - benchCPUBefore
	if err != nil {
		return stepResult{}, err
	}
	connections := t.mock.ConnectionsAccepted() - connectionsBefore
	calls := t.mock.Journal()
	if err := s.verifyKeys(mockKeyStates(t.mock), b.keys); err != nil {
		return stepResult{}, fmt.Errorf("after %s: %w", label, err)
	}
	return stepResult{
		name:        s.name,
		wall:        keys.wall,
		floor:       floor.wall,
		null:        null.wall,
		ideal:       s.cost.idealAPITime(b.latency, b.parallelism),
		cpu:         keys.cpu,
		floorCPU:    floor.cpu,
		benchCPU:    benchCPU,
		calls:       len(calls),
		minCalls:    s.cost.minimumCalls(),
		connections: connections,
		process:     process,
		callCounts:  summarizeCalls(calls),
	}, nil
}

func mockKeyStates(mock *kmsmock.Server) []mockKeyState {
	keys := mock.Keys()
	states := make([]mockKeyState, len(keys))
	for i, k := range keys {
		states[i] = mockKeyState{name: k.KeyName, status: k.Status, memo: k.Memo}
	}
	return states
}

// portOf returns the port of a host:port address.
func portOf(addr string) (int, error) {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(port)
}
