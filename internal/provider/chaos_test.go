package provider

// Fault runs: whole lifecycles of many keys against a mock that throttles, fails and drops
// connections at random, with the provider's default retry settings. After every step the mock
// and the state must hold the same keys, and no key may be deleted that the plan did not destroy.

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// chaosFaults are the random fault shares of the fault runs.
func chaosFaults(seed int64) kmsmock.RandomFaults {
	return kmsmock.RandomFaults{Throttle: 0.20, ServerError: 0.10, Drop: 0.02, Seed: seed}
}

// chaosRun drives one Terraform working directory through steps and collects the fault table.
type chaosRun struct {
	t       *testing.T
	name    string
	mock    *kmsmock.Server
	wd      *tfcli.Workdir
	resends *resendCounter
	deletes map[string]int // successful DELETE calls per key tag, over the whole run
	rows    []faultRow
}

func newChaosRun(t *testing.T, name string, opts kmsmock.Options) *chaosRun {
	t.Helper()
	resends := newResendCounter()
	run := &chaosRun{
		t:       t,
		name:    name,
		mock:    kmsmock.NewTestServer(t, opts),
		resends: resends,
		deletes: map[string]int{},
	}
	run.wd = newTFWorkdirWith(t, Options{Transport: resends})
	return run
}

// step runs one Terraform command (apply or destroy) that must succeed, then checks the invariants:
// want is the configuration the keys must have reached (nil after a destroy).
func (r *chaosRun) step(label string, want []chaosKeySpec, command func() tfcli.Result) {
	r.t.Helper()
	destroyed := map[string]bool{}
	if want == nil {
		destroyed = stateTags(r.t, r.wd)
	}
	r.mock.ResetJournal()
	r.resends.Take()
	start := time.Now()
	res := command()
	took := time.Since(start)
	journal := r.mock.Journal()
	row := newFaultRow(r.name, label, journal, r.resends, took)
	if res.Failed() {
		r.rows = append(r.rows, row)
		res.RequireSuccess(r.t)
	}
	if d := res.Find("warning", summaryKeyDeletedOutside); d != nil {
		r.t.Errorf("%s: the state held a key that was already gone: %s\n%s", label, d, d.Detail)
	}

	row.Orphans, row.Duplicate = checkMockMatchesState(r.t, r.mock, r.wd, want)
	checkDestructiveCalls(r.t, journal, destroyed, r.deletes)
	if want == nil && len(r.mock.Keys()) != 0 {
		r.t.Errorf("after %s the mock still holds %d keys", label, len(r.mock.Keys()))
	}
	r.rows = append(r.rows, row)
	r.t.Logf("%s %s: %d requests, %d×429, %d×5xx, %d drops, %d retries (at most %d attempts), %d created, %d deleted in %s",
		r.name, label, row.Requests, row.Throttled, row.ServerErrors, row.Drops, row.Retries, row.MaxAttempts, row.Created,
		row.Deleted, took.Round(100*time.Millisecond))
	if drops := droppedCalls(journal); len(drops) > 0 {
		r.t.Logf("%s %s: answers dropped after processing: %s", r.name, label, strings.Join(drops, ", "))
	}
	if r.t.Failed() {
		r.t.FailNow()
	}
}

// apply sets the configuration, applies it, and then plans it again, still under faults: the plan
// must find nothing to do.
func (r *chaosRun) apply(label string, specs []chaosKeySpec) {
	r.t.Helper()
	r.wd.SetConfig(chaosConfig(r.mock, specs))
	r.step(label, specs, func() tfcli.Result { return r.wd.Apply() })
	r.step(label+" / plan", specs, func() tfcli.Result {
		plan := r.wd.Plan()
		if plan.Changes {
			r.t.Errorf("%s / plan: the plan after the apply has changes:\n%s", label, plan.Describe())
		}
		return plan
	})
}

func (r *chaosRun) destroy(label string) {
	r.t.Helper()
	r.step(label, nil, func() tfcli.Result { return r.wd.Destroy() })
}

// TestAccChaos_randomFaults: three seeds; each applies 50 keys, updates them twice (memo, rotation,
// rename, disable, enable; the second time also restoring 10 keys whose deletion was requested in
// the console), and destroys them with policy DELETE, under 20% throttling, 10% server errors and
// 2% answers dropped after the request was processed. Which request meets which fault varies from
// run to run, since Terraform's parallel walk orders the requests differently each time. An attempt
// fails with probability 0.32, so a call spends all 10 default attempts with probability
// 0.32^10 ≈ 1.1e-5; the three seeds make about 2,000 calls.
func TestAccChaos_randomFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("fault runs take minutes")
	}
	const keys = 50
	var rows []faultRow // of every seed, for the table logged at the end
	for _, seed := range []int64{1, 2, 3} {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			run := newChaosRun(t, fmt.Sprintf("seed %d", seed), kmsmock.Options{Faults: chaosFaults(seed)})
			defer func() {
				rows = append(rows, run.rows...)
				t.Logf("seed %d: requests by attempts needed: %s", seed, run.resends.AttemptsHistogram())
			}()
			specs := chaosKeySpecs(fmt.Sprintf("chaos%d", seed), keys)
			run.apply("apply 50", specs)
			specs = chaosFirstUpdate(specs)
			run.apply("update 1", specs)
			// Deletion requested in the console for the keys the updates leave alone: the next
			// apply cancels it and enables them again.
			state := stateKeyInstances(t, run.wd)
			for i := 4; i < len(specs); i += 5 {
				mustMock(t, run.mock.RequestDeletion(fmt.Sprint(state[chaosAddress(specs[i].Index)]["id"])))
			}
			specs = chaosSecondUpdate(specs)
			run.apply("update 2 + restore", specs)
			run.destroy("destroy")
		})
	}
	t.Logf("fault table (Throttle 0.20, ServerError 0.10, Drop 0.02; default retries):\n%s", faultTable(rows))
}

// TestAccChaos_rateLimit: at 20 requests per second, applying and destroying 100 keys succeeds; the
// 429 answers are counted from the journal.
func TestAccChaos_rateLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("fault runs take minutes")
	}
	run := newChaosRun(t, "rate 20/s", kmsmock.Options{})
	run.mock.SetRateLimit(20)
	specs := chaosKeySpecs("limited", 100)
	run.wd.SetConfig(chaosConfig(run.mock, specs))
	run.step("apply 100", specs, func() tfcli.Result { return run.wd.Apply() })
	run.destroy("destroy")
	for _, row := range run.rows {
		t.Logf("%s: %d of %d requests answered 429", row.Step, row.Throttled, row.Requests)
	}
	t.Logf("requests by attempts needed: %s", run.resends.AttemptsHistogram())
	t.Logf("fault table (rate limit 20 requests/s; default retries):\n%s", faultTable(run.rows))
}
