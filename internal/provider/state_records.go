package provider

import (
	"context"
	"encoding/json"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// stateRecords is every object of one resource type of this configuration's state that this
// provider process has seen in the current graph walk (Reset), by lower-case key tag. Terraform plans
// the replacement of a tainted object as a bare create (DESIGN.md "Every path to a replacement"); these
// records let that create learn what it replaces (key_removal.go for ncloudkms_key,
// key_token_generator_resource_plan.go for the token generator), and a create whose name a forgotten
// key keeps learn that it would fail (DESIGN.md "Forget instead of destroy").
type stateRecords[T any] struct {
	tagOf  func(T) string
	decode func(raw []byte) (T, bool) // a raw state, as UpgradeResourceState shows it

	mu      sync.Mutex
	entries map[string]*stateRecord[T]
}

type stateRecord[T any] struct {
	value T
	// plannedWithPrior: Terraform planned the object with its prior state, so it is not tainted.
	plannedWithPrior bool
	// claimed: a create of this plan replaces it (it is tainted).
	claimed bool
}

func newStateRecords[T any](tagOf func(T) string, decode func([]byte) (T, bool)) *stateRecords[T] {
	return &stateRecords[T]{tagOf: tagOf, decode: decode, entries: map[string]*stateRecord[T]{}}
}

// Observe records an object of the state as UpgradeResourceState or ReadResource showed it.
func (s *stateRecords[T]) Observe(v T) {
	if s == nil || s.tagOf(v) == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tag := strings.ToLower(s.tagOf(v))
	if entry, ok := s.entries[tag]; ok {
		entry.value = v
		return
	}
	s.entries[tag] = &stateRecord[T]{value: v}
}

// Forget drops the record of the object of the key tagged tag: a refresh found it gone, so it is
// no longer in the state, and a create for that key replaces nothing.
func (s *stateRecords[T]) Forget(tag string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.entries, strings.ToLower(tag))
}

// Reset forgets every record. Terraform runs a provider process per graph walk (plan, apply), and
// Configure starts each walk; a provider served in one process for every walk of a command (tests,
// TF_REATTACH_PROVIDERS) calls Reset there, so that an apply knows only what its own walk showed it.
func (s *stateRecords[T]) Reset() {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.entries)
}

// Matching returns the records for which match is true.
func (s *stateRecords[T]) Matching(match func(T) bool) []T {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []T
	for _, entry := range s.entries {
		if match(entry.value) {
			out = append(out, entry.value)
		}
	}
	return out
}

// ObserveRawState records the object of a raw state (the JSON of UpgradeResourceState).
func (s *stateRecords[T]) ObserveRawState(raw []byte) {
	if s == nil || len(raw) == 0 {
		return
	}
	if v, ok := s.decode(raw); ok {
		s.Observe(v)
	}
}

// PlannedWithPrior records that Terraform planned the object with its prior state. It reports
// whether a create of this plan claimed the object already: two resources then claim one key's object.
func (s *stateRecords[T]) PlannedWithPrior(v T) (claimed bool) {
	if s == nil || s.tagOf(v) == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tag := strings.ToLower(s.tagOf(v))
	entry, ok := s.entries[tag]
	if !ok {
		entry = &stateRecord[T]{value: v}
		s.entries[tag] = entry
	}
	entry.plannedWithPrior = true
	return entry.claimed
}

// ClaimTainted returns the state's record of the object of the key tagged tag and marks it
// replaced, when it is an object of this configuration's state that no plan with a prior state has
// kept and no other create has claimed: a tainted object.
func (s *stateRecords[T]) ClaimTainted(tag string) (T, bool) {
	var zero T
	if s == nil {
		return zero, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	entry, ok := s.entries[strings.ToLower(tag)]
	if !ok || entry.plannedWithPrior || entry.claimed {
		return zero, false
	}
	entry.claimed = true
	return entry.value, true
}

// privateData is the private data of a request (req.Private of ModifyPlan or Delete); nil reads as empty.
type privateData interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// privateDataSetter is the private data of a response (resp.Private of ModifyPlan, Create or Update).
type privateDataSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// privateRecordKey is a record that a plan keeps in its private data under name, as JSON: the removal
// records of keys (key_removal.go) and token generators (key_token_generator_resource_plan.go).
type privateRecordKey[T any] struct {
	name  string
	valid func(T) bool // a decoded value that is not a record reads as none
}

// Get reads the record; ok is false when there is none.
func (k privateRecordKey[T]) Get(ctx context.Context, private privateData) (record T, ok bool) {
	raw, diags := private.GetKey(ctx, k.name)
	if diags.HasError() || len(raw) == 0 || json.Unmarshal(raw, &record) != nil || !k.valid(record) {
		var zero T
		return zero, false
	}
	return record, true
}

// Set keeps the record.
func (k privateRecordKey[T]) Set(ctx context.Context, private privateDataSetter, record T) diag.Diagnostics {
	raw, err := json.Marshal(record)
	if err != nil { // records are structs of strings, numbers and bools, which always marshal
		panic(err)
	}
	return private.SetKey(ctx, k.name, raw)
}

// Clear drops the record: it is for plans only, not for the state.
func (k privateRecordKey[T]) Clear(ctx context.Context, private privateDataSetter) diag.Diagnostics {
	return private.SetKey(ctx, k.name, nil)
}
