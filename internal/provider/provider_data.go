package provider

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// providerData is what Configure hands to every resource, data source and ephemeral resource.
type providerData struct {
	client *kmsapi.Client
	clock  func() time.Time // Options.Now
	// keyNames is shared by every resource of one provider process, so the plan-time
	// name check lists keys once per process and not once per resource.
	keyNames *keyNameIndex
	// stateKeys are the keys of this configuration's state, so that a create that replaces one
	// of them is recognised (key_removal.go).
	stateKeys *stateKeys
	// generators are the token generators of this configuration's state, so that a create that
	// replaces a tainted one is recognised (key_token_generator_resource_plan.go).
	generators *stateGenerators
	// deletionDefaults fill the deletion settings of the resources that set none (deletion_defaults.go).
	deletionDefaults deletionDefaults
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

// now is the provider's clock; before the provider is configured (d == nil) the system clock.
func (d *providerData) now() time.Time {
	if d == nil || d.clock == nil {
		return time.Now()
	}
	return d.clock()
}

// configuredData is the provider data that the framework hands to a resource's or a data
// source's Configure: nil during validation and while the provider configuration is unknown.
func configuredData(handed any, diags *diag.Diagnostics) *providerData {
	if handed == nil {
		return nil
	}
	data, ok := handed.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", handed))
		return nil
	}
	return data
}

// addProviderNotConfigured reports that what cannot happen: the provider has no client.
func addProviderNotConfigured(diags *diag.Diagnostics, what string) {
	diags.AddError("Provider not configured", fmt.Sprintf("The ncloudkms provider configuration depends on values that "+
		"are not known yet (for example an attribute of a resource that has not been created), so %s. Configure the "+
		"provider with values known at plan time, or apply the resources it depends on first (terraform apply -target=...).", what))
}

// describeKey names the key tagged tag for a diagnostic by its name and tag, as a person finds it
// in the console. The name costs one read; without a client, or when the read fails (the key may
// be gone), the tag alone names it.
func (d *providerData) describeKey(ctx context.Context, tag string) keyRef {
	ref := keyRef{Tag: tag}
	if d == nil || d.client == nil || tag == "" {
		return ref
	}
	if key, err := d.client.GetKey(ctx, tag); err == nil {
		ref.Name = key.KeyName
	}
	return ref
}
