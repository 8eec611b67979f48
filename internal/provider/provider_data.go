package provider

import (
	"context"
	"sync"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// providerData is what Configure hands to every resource and data source.
type providerData struct {
	client *kmsapi.Client
	// keyNames is shared by every resource of one provider process, so the plan-time
	// name check lists keys once per process and not once per resource.
	keyNames *keyNameIndex
	// stateKeys are the keys of this configuration's state, so that a create that replaces one
	// of them is recognised (key_replacement.go).
	stateKeys *stateKeys
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
