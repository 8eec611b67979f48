package provider

// Interrupted runs: Terraform gets SIGINT in the middle of creating or destroying 50 keys (and is
// killed if it has not exited after a grace period). Terraform then stops the provider, which
// cancels the contexts of the calls in flight. Whatever was in flight must end up in the state,
// and the next apply or destroy must finish the job without deleting any key twice.

import (
	"testing"
	"time"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// interruptGrace is how long an interrupted Terraform may take to exit before it is killed.
const interruptGrace = 20 * time.Second

// interruptWhen starts a Terraform command with launch (given interruptGrace), sends it SIGINT once
// ready reports true (polled every 10ms), and returns its result; the harness kills the process if
// it has not exited within interruptGrace (res.Killed). interrupted is false when the command ended
// before ready did.
func (r *chaosRun) interruptWhen(ready func() bool, launch func(grace time.Duration) *tfcli.Process) (res tfcli.Result, interrupted bool) {
	r.t.Helper()
	p := launch(interruptGrace)
	for !interrupted {
		select {
		case <-p.Done():
			return p.Wait(), false
		case <-time.After(10 * time.Millisecond):
		}
		if ready() {
			interrupted = p.Interrupt()
		}
	}
	return p.Wait(), true
}

// interruptedStep runs an interrupted command and checks what it left: state and mock agree.
func (r *chaosRun) interruptedStep(label string, destroying bool, ready func() bool, launch func(grace time.Duration) *tfcli.Process) {
	r.t.Helper()
	destroyed := map[string]bool{}
	if destroying {
		destroyed = stateTags(r.t, r.wd)
	}
	r.mock.ResetJournal()
	r.resends.Take()
	start := time.Now()
	res, interrupted := r.interruptWhen(ready, launch)
	took := time.Since(start)
	journal := r.mock.Journal()
	row := newFaultRow(r.name, label, journal, r.resends, took)
	switch {
	case !interrupted:
		r.t.Fatalf("%s ended before it could be interrupted (exit %d):\n%s", label, res.ExitCode, res.Describe())
	case res.Killed:
		r.t.Errorf("%s did not exit within %s of SIGINT and was killed:\n%s", label, interruptGrace, res.Describe())
	case !res.Failed():
		r.t.Logf("%s finished although interrupted", label)
	}
	row.Orphans, row.Duplicate = checkMockMatchesState(r.t, r.mock, r.wd, nil)
	checkDestructiveCalls(r.t, journal, destroyed, r.deletes)
	r.rows = append(r.rows, row)
	r.t.Logf("%s: interrupted after %s (exit %d); the state holds %d keys, the mock %d", label,
		took.Round(100*time.Millisecond), res.ExitCode, len(stateKeyInstances(r.t, r.wd)), len(r.mock.Keys()))
	bySummary := map[string]int{}
	for _, d := range res.WithSeverity("error") {
		bySummary[d.Summary]++
	}
	r.t.Logf("%s: errors reported by the interrupted run: %v", label, bySummary)
	if r.t.Failed() {
		r.t.FailNow()
	}
}

// TestAccChaos_interruptedApplyAndDestroy: SIGINT while 50 keys are being created; the next
// apply creates the rest. SIGINT while they are being destroyed; the next destroy deletes the
// rest. Two interruption points each: at the first batch (Terraform runs 10 operations at a time)
// and in the middle of the run.
func TestAccChaos_interruptedApplyAndDestroy(t *testing.T) {
	if testing.Short() {
		t.Skip("interrupted runs take a minute")
	}
	for _, tc := range []struct {
		name                      string
		createdAtStop, leftAtStop int // SIGINT once the mock holds this many keys
	}{
		{"first batch", 10, 40},
		{"mid-run", 27, 13},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// 150ms before the mock processes a request and 150ms before its answer arrives: an
			// interrupt finds calls in flight on both sides of the moment the server acts.
			run := newChaosRun(t, "interrupt, "+tc.name, kmsmock.Options{Latency: 150 * time.Millisecond})
			run.resends.answerDelay = 150 * time.Millisecond
			specs := chaosKeySpecs("intr", 50)
			run.wd.SetConfig(chaosConfig(run.mock, specs))

			run.interruptedStep("apply 50, SIGINT", false,
				func() bool { return len(run.mock.Keys()) >= tc.createdAtStop },
				func(grace time.Duration) *tfcli.Process { return run.wd.StartApply(grace) })
			if created := len(run.mock.Keys()); created >= len(specs) {
				t.Fatalf("the interrupted apply created all %d keys; nothing was left to resume", created)
			}
			run.step("apply again", specs, func() tfcli.Result { return run.wd.Apply() })

			run.interruptedStep("destroy, SIGINT", true,
				func() bool { return len(run.mock.Keys()) <= tc.leftAtStop },
				func(grace time.Duration) *tfcli.Process { return run.wd.StartDestroy(grace) })
			if left := len(run.mock.Keys()); left == 0 {
				t.Fatal("the interrupted destroy deleted every key; nothing was left to resume")
			}
			run.destroy("destroy again")
			t.Logf("interrupted runs (latency 150ms before and 150ms after the mock acts):\n%s", faultTable(run.rows))
		})
	}
}
