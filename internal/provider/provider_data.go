package provider

import (
	"context"
	"strings"
	"sync"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// providerData is what Configure hands to every resource and data source.
type providerData struct {
	client *kmsapi.Client
	// keyNames is shared by every resource of one provider process, so the plan-time
	// name check lists keys once per process and not once per resource.
	keyNames *keyNameIndex
	// incompleteCreates holds the tags of keys whose create stopped part-way (tainted in the
	// state). Their replacement plans as a create with no prior state, so without this the
	// name check would take the tainted key for a foreign one holding the name.
	incompleteCreates *tagSet
}

// tagSet is a concurrency-safe set of key tags.
type tagSet struct{ tags sync.Map }

func (s *tagSet) Add(tag string) { s.tags.Store(strings.ToLower(tag), true) }

func (s *tagSet) Has(tag string) bool {
	if s == nil {
		return false
	}
	_, ok := s.tags.Load(strings.ToLower(tag))
	return ok
}

// keyNameIndex lists the account's keys on first use and remembers the answer.
type keyNameIndex struct {
	mu     sync.Mutex
	loaded bool
	keys   []kmsapi.Key
	list   func(ctx context.Context) ([]kmsapi.Key, error)
}

func newKeyNameIndex(list func(ctx context.Context) ([]kmsapi.Key, error)) *keyNameIndex {
	return &keyNameIndex{list: list}
}

// Keys returns the key list taken at the first call. A failed listing is not
// remembered, so a transient error does not poison the rest of the plan.
func (idx *keyNameIndex) Keys(ctx context.Context) ([]kmsapi.Key, error) {
	idx.mu.Lock()
	defer idx.mu.Unlock()
	if idx.loaded {
		return idx.keys, nil
	}
	keys, err := idx.list(ctx)
	if err != nil {
		return nil, err
	}
	idx.keys, idx.loaded = keys, true
	return keys, nil
}
