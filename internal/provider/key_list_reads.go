package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/list"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// listReadWidth is how many per-key reads of a listing run at once (a key with include_resource, a
// token generator, an ACL), the width of Terraform's own -parallelism default: one at a time, a
// listing of N keys waited N times the API's latency. The benchmark's null providers wait as if
// they read this many at once too (internal/cmd/bench/nullprovider, keyReadWidth).
const listReadWidth = 10

// keyReads runs the per-key reads of one listing, up to listReadWidth at a time, and hands their
// results on in the order of the key list. It never has more reads under way than the results the
// limit still allows, so a listing reads no key beyond its limit when every read gives a result.
type keyReads struct {
	ctx    context.Context
	cancel context.CancelFunc
	read   func(ctx context.Context, key kmsapi.Key) (list.ListResult, bool)
	limit  int64 // 0: none
	push   func(list.ListResult) bool

	pending []chan keyRead // in the order of the key list
	pushed  int64
	stopped bool // push refused, a result failed, or the limit is reached
}

// keyRead is one read's outcome: ok is false when the key has nothing to list.
type keyRead struct {
	result list.ListResult
	ok     bool
}

func newKeyReads(ctx context.Context, limit int64, push func(list.ListResult) bool,
	read func(ctx context.Context, key kmsapi.Key) (list.ListResult, bool),
) *keyReads {
	ctx, cancel := context.WithCancel(ctx)
	return &keyReads{ctx: ctx, cancel: cancel, read: read, limit: limit, push: push}
}

// add starts the read of key, then hands on the results before it that are done while the window
// is full or the limit allows no further read; it reports false when the listing is to stop, at
// the latest when the limit is reached, so that the walk reads no page beyond it.
func (r *keyReads) add(key kmsapi.Key) bool {
	if r.stopped {
		return false
	}
	done := make(chan keyRead, 1)
	r.pending = append(r.pending, done)
	go func() {
		result, ok := r.read(r.ctx, key)
		done <- keyRead{result, ok}
	}()
	for !r.stopped && len(r.pending) > 0 && (len(r.pending) >= listReadWidth || r.atLimit(int64(len(r.pending)))) {
		r.handOnFirst()
	}
	return !r.stopped
}

// finish hands on the results still under way, in order, or waits for them to end when the listing
// stopped.
func (r *keyReads) finish() {
	for len(r.pending) > 0 {
		if r.stopped {
			r.cancel()
			<-r.pending[0]
			r.pending = r.pending[1:]
			continue
		}
		r.handOnFirst()
	}
	r.cancel()
}

// atLimit reports whether inFlight more results would reach the limit.
func (r *keyReads) atLimit(inFlight int64) bool {
	return r.limit > 0 && r.pushed+inFlight >= r.limit
}

// handOnFirst waits for the oldest read and pushes its result, if it has one.
func (r *keyReads) handOnFirst() {
	read := <-r.pending[0]
	r.pending = r.pending[1:]
	if !read.ok {
		return
	}
	r.pushed++
	if !r.push(read.result) || read.result.Diagnostics.HasError() || r.atLimit(0) {
		r.stopped = true
	}
}
