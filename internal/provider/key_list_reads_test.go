package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/list"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// readsRun drives keyReads over keys named k0, k1, … as List does: read says whether key i's read
// fails and whether it has a result (default: a result), delay how long it takes.
type readsRun struct {
	limit    int64
	refuseAt int // push refuses the result of this position (1-based); 0: never
	read     func(i int) (failed, ok bool)
	delay    func(i int) time.Duration

	added    int // keys add took before it said stop
	mu       sync.Mutex
	keysRead []string
	inFlight atomic.Int32
	peak     atomic.Int32
}

// run lists n keys and returns the results pushed, in order, and the keys read, sorted.
func (r *readsRun) run(n int) (pushed []string, read []string) {
	reads := newKeyReads(context.Background(), r.limit, func(result list.ListResult) bool {
		pushed = append(pushed, result.DisplayName)
		return len(pushed) != r.refuseAt
	}, func(_ context.Context, key kmsapi.Key) (list.ListResult, bool) {
		now := r.inFlight.Add(1)
		for peak := r.peak.Load(); now > peak && !r.peak.CompareAndSwap(peak, now); peak = r.peak.Load() {
		}
		defer r.inFlight.Add(-1)
		i, err := strconv.Atoi(strings.TrimPrefix(key.KeyName, "k"))
		if err != nil {
			panic(err) // the keys are named by run
		}
		if r.delay != nil {
			time.Sleep(r.delay(i))
		}
		r.mu.Lock()
		r.keysRead = append(r.keysRead, key.KeyName)
		r.mu.Unlock()
		result := list.ListResult{DisplayName: key.KeyName}
		failed, ok := false, true
		if r.read != nil {
			failed, ok = r.read(i)
		}
		if failed {
			result.Diagnostics.AddError("Key read failed", key.KeyName)
		}
		return result, ok
	})
	for i := range n {
		r.added++
		if !reads.add(kmsapi.Key{KeyName: fmt.Sprintf("k%d", i)}) {
			break
		}
	}
	reads.finish()
	return pushed, sorted(r.keysRead)
}

func names(from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("k%d", i))
	}
	return out
}

func sorted(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }

// TestKeyReads_inListOrderAtMostWidthAtOnce: reads that end in reverse order are pushed in the
// order of the key list, and no more than listReadWidth run at once.
func TestKeyReads_inListOrderAtMostWidthAtOnce(t *testing.T) {
	r := &readsRun{delay: func(i int) time.Duration { return time.Duration(25-i%25) * time.Millisecond }}
	pushed, read := r.run(25)
	if !slices.Equal(pushed, names(0, 25)) {
		t.Errorf("pushed %q, want the key list's order", pushed)
	}
	if !slices.Equal(read, sorted(names(0, 25))) {
		t.Errorf("read %q, want every key once", read)
	}
	if peak := r.peak.Load(); peak > listReadWidth || peak < 2 {
		t.Errorf("%d reads at once, want between 2 and %d", peak, listReadWidth)
	}
}

// TestKeyReads_limit: with a limit, no more reads are under way than results the limit allows, so
// no key beyond it is read when every read gives a result, and the walk stops at the limit; keys
// without a result make room.
func TestKeyReads_limit(t *testing.T) {
	r := &readsRun{limit: 3}
	pushed, read := r.run(50)
	if !slices.Equal(pushed, names(0, 3)) || !slices.Equal(read, sorted(names(0, 3))) {
		t.Errorf("limit 3: pushed %q, read %q; want k0-k2, read only", pushed, read)
	}
	// The walk stops at the key that reaches the limit, not at the next key that passes the filters,
	// which may be pages away.
	if r.added != 3 {
		t.Errorf("limit 3: add took %d keys before it said stop, want 3", r.added)
	}
	// Even keys have nothing to list (a key without a token generator).
	pushed, read = (&readsRun{limit: 3, read: func(i int) (bool, bool) { return false, i%2 == 1 }}).run(50)
	if !slices.Equal(pushed, []string{"k1", "k3", "k5"}) {
		t.Errorf("limit 3 over odd keys: pushed %q", pushed)
	}
	if !slices.Equal(read, sorted(names(0, 6))) {
		t.Errorf("limit 3 over odd keys: read %q, want k0-k5", read)
	}
}

// TestKeyReads_stop: a failed read's result is pushed and ends the listing, as does a push the
// consumer refuses; nothing is pushed after either, and every read under way is waited for.
func TestKeyReads_stop(t *testing.T) {
	r := &readsRun{read: func(i int) (bool, bool) { return i == 4, true }}
	if pushed, _ := r.run(50); !slices.Equal(pushed, names(0, 5)) {
		t.Errorf("failure at k4: pushed %q, want k0-k4", pushed)
	}
	if n := r.inFlight.Load(); n != 0 {
		t.Errorf("%d reads still under way after finish", n)
	}
	if pushed, _ := (&readsRun{refuseAt: 2}).run(50); !slices.Equal(pushed, names(0, 2)) {
		t.Errorf("refused at the second: pushed %q, want k0-k1", pushed)
	}
}
