package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/provider"
)

const nullKeyType = "nullkms_key"

// nullServer serves nullkms_key itself and leaves every other call to the empty provider.
type nullServer struct {
	tfprotov6.ProviderServer

	schema     *tfprotov6.Schema // ncloudkms_key's
	listSchema *tfprotov6.Schema // ncloudkms_key's list resource's
	identity   *tfprotov6.ResourceIdentitySchema
	objectType tftypes.Object
	latency    time.Duration
	listOnce   sync.Once    // the name check's list page, once per process
	nextTag    atomic.Int64 // tags of created keys
	calls      atomic.Int64 // API calls it stood for, for its tests
}

// newNullServer takes ncloudkms_key's schema from the real provider.
func newNullServer(latency time.Duration) (*nullServer, error) {
	realSchemas, err := providerserver.NewProtocol6(provider.New("bench")())().
		GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, err
	}
	schema, ok := realSchemas.ResourceSchemas["ncloudkms_key"]
	if !ok {
		return nil, errors.New("the provider has no ncloudkms_key schema")
	}
	objectType, ok := schema.ValueType().(tftypes.Object)
	if !ok {
		return nil, fmt.Errorf("ncloudkms_key's schema is a %s, not an object", schema.ValueType())
	}
	identities, err := providerserver.NewProtocol6(provider.New("bench")())().
		GetResourceIdentitySchemas(context.Background(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		return nil, err
	}
	return &nullServer{ProviderServer: providerserver.NewProtocol6(nullProvider{})(),
		schema: schema, listSchema: realSchemas.ListResourceSchemas["ncloudkms_key"],
		identity: identities.IdentitySchemas["ncloudkms_key"], objectType: objectType, latency: latency}, nil
}

// wait stands for calls sequential API calls.
func (s *nullServer) wait(ctx context.Context, calls int) {
	s.calls.Add(int64(calls))
	s.sleep(ctx, time.Duration(calls)*s.latency)
}

// waitAtOnce stands for calls API calls made at the same time: one latency.
func (s *nullServer) waitAtOnce(ctx context.Context, calls int) {
	s.calls.Add(int64(calls))
	s.sleep(ctx, s.latency)
}

func (s *nullServer) sleep(ctx context.Context, d time.Duration) {
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
}

func (s *nullServer) GetMetadata(ctx context.Context, req *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	resp, err := s.ProviderServer.GetMetadata(ctx, req)
	if err == nil {
		resp.Resources = append(resp.Resources, tfprotov6.ResourceMetadata{TypeName: nullKeyType})
		resp.ListResources = append(resp.ListResources, tfprotov6.ListResourceMetadata{TypeName: nullKeyType})
	}
	return resp, err
}

func (s *nullServer) GetProviderSchema(ctx context.Context, req *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	resp, err := s.ProviderServer.GetProviderSchema(ctx, req)
	if err == nil {
		resp.ResourceSchemas = map[string]*tfprotov6.Schema{nullKeyType: s.schema}
		resp.ListResourceSchemas = map[string]*tfprotov6.Schema{nullKeyType: s.listSchema}
	}
	return resp, err
}

func (s *nullServer) GetResourceIdentitySchemas(context.Context, *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return &tfprotov6.GetResourceIdentitySchemasResponse{
		IdentitySchemas: map[string]*tfprotov6.ResourceIdentitySchema{nullKeyType: s.identity}}, nil
}

func (s *nullServer) ValidateResourceConfig(context.Context, *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return &tfprotov6.ValidateResourceConfigResponse{}, nil
}

func (s *nullServer) UpgradeResourceState(_ context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	state, err := req.RawState.UnmarshalWithOpts(s.objectType, tfprotov6.UnmarshalOpts{
		ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true},
	})
	if err != nil {
		return nil, err
	}
	upgraded, err := tfprotov6.NewDynamicValue(s.objectType, state)
	return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: &upgraded}, err
}

// ReadResource: one GET.
func (s *nullServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	s.wait(ctx, 1)
	return &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private}, nil
}

// PlanResourceChange plans what Terraform proposes; a create leaves the computed attributes it
// does not know unknown, and the first create plan of the process lists the keys once. A destroy
// plan reads the key's last use, which the deletion warning ends with, unless the key is abandoned.
func (s *nullServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	proposed, err := s.value(req.ProposedNewState)
	if err != nil {
		return nil, err
	}
	prior, err := s.value(req.PriorState)
	if err != nil {
		return nil, err
	}
	s.waitForPlan(ctx, proposed, prior)
	if proposed.IsNull() || !prior.IsNull() {
		return &tfprotov6.PlanResourceChangeResponse{PlannedState: req.ProposedNewState, PlannedPrivate: req.PriorPrivate}, nil
	}
	var planned map[string]tftypes.Value
	if err := proposed.As(&planned); err != nil {
		return nil, err
	}
	for _, attribute := range s.schema.Block.Attributes {
		if v := planned[attribute.Name]; attribute.Computed && v.IsNull() {
			planned[attribute.Name] = tftypes.NewValue(v.Type(), tftypes.UnknownValue)
		}
	}
	value, err := tfprotov6.NewDynamicValue(s.objectType, tftypes.NewValue(s.objectType, planned))
	return &tfprotov6.PlanResourceChangeResponse{PlannedState: &value}, err
}

// waitForPlan waits the calls a plan stands for: a destroy plan reads the key's last use unless it
// is abandoned, and the first create plan of the process lists the keys once.
func (s *nullServer) waitForPlan(ctx context.Context, proposed, prior tftypes.Value) {
	switch {
	case proposed.IsNull() && !prior.IsNull() && s.readsLastUse(prior):
		s.wait(ctx, 1)
	case !proposed.IsNull() && prior.IsNull():
		s.listOnce.Do(func() { s.wait(ctx, 1) })
	}
}

// ApplyResourceChange: a create is POST and GET, a destroy request-deletion and DELETE, and an
// update one call per changed attribute.
func (s *nullServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	planned, err := s.value(req.PlannedState)
	if err != nil {
		return nil, err
	}
	prior, err := s.value(req.PriorState)
	if err != nil {
		return nil, err
	}
	applied, err := s.apply(ctx, planned, prior)
	if err != nil {
		return nil, err
	}
	newState, err := tfprotov6.NewDynamicValue(s.objectType, applied)
	return &tfprotov6.ApplyResourceChangeResponse{NewState: &newState, Private: req.PlannedPrivate}, err
}

// apply waits the calls an apply of planned over prior stands for and returns the new state: a
// destroy waits 2; a create 2, and makes up what the plan left unknown; an update 1 per changed
// attribute, and keeps the prior value of what the plan left unknown (only the framework leaves
// computed attributes unknown in an update).
func (s *nullServer) apply(ctx context.Context, planned, prior tftypes.Value) (tftypes.Value, error) {
	if planned.IsNull() {
		s.wait(ctx, 2)
		return planned, nil
	}
	var attributes, priorAttributes map[string]tftypes.Value
	if err := planned.As(&attributes); err != nil {
		return tftypes.Value{}, err
	}
	if prior.IsNull() {
		s.wait(ctx, 2)
		tag, now := s.nextTag.Add(1), time.Now()
		for name, v := range attributes {
			if !v.IsKnown() {
				attributes[name] = madeUpValue(name, v.Type(), tag, now)
			}
		}
		return tftypes.NewValue(s.objectType, attributes), nil
	}
	if err := prior.As(&priorAttributes); err != nil {
		return tftypes.Value{}, err
	}
	changed := 0
	for name, v := range attributes {
		switch {
		case !v.IsKnown():
			attributes[name] = priorAttributes[name]
		case !v.Equal(priorAttributes[name]):
			changed++
		}
	}
	s.wait(ctx, changed)
	return tftypes.NewValue(s.objectType, attributes), nil
}

// readsLastUse: the deletion warnings of DELETE and SCHEDULE end with the key's last use.
func (s *nullServer) readsLastUse(prior tftypes.Value) bool {
	var attributes map[string]tftypes.Value
	var policy string
	if prior.As(&attributes) != nil || attributes["deletion_policy"].As(&policy) != nil {
		return true
	}
	return policy != "ABANDON"
}

// value decodes a state or plan; a missing one is null.
func (s *nullServer) value(v *tfprotov6.DynamicValue) (tftypes.Value, error) {
	if v == nil {
		return tftypes.NewValue(s.objectType, nil), nil
	}
	return v.Unmarshal(s.objectType)
}

// madeUpValue is what the API would report for an attribute unknown until the key exists, the
// same size as the real values: Terraform rewrites the whole state after each resource it applies,
// so the state's size is part of the cost.
func madeUpValue(name string, t tftypes.Type, tag int64, now time.Time) tftypes.Value {
	switch name {
	case "id", "key_tag":
		return tftypes.NewValue(t, madeUpKeyTag(tag))
	case "nrn":
		return tftypes.NewValue(t, fmt.Sprintf("nrn:PUB:KMS::2000001:Key/%d", 10000+tag))
	case "created_at":
		return tftypes.NewValue(t, now.UTC().Format(time.RFC3339))
	case "status":
		return tftypes.NewValue(t, "ENABLE")
	case "protection_type":
		return tftypes.NewValue(t, "BASIC")
	case "enabled":
		return tftypes.NewValue(t, true)
	}
	switch {
	case t.Is(tftypes.String):
		return tftypes.NewValue(t, "")
	case t.Is(tftypes.Bool):
		return tftypes.NewValue(t, false)
	case t.Is(tftypes.Number):
		return tftypes.NewValue(t, big.NewFloat(1))
	}
	return tftypes.NewValue(t, nil)
}

// madeUpKeyTag is a key tag as long as a real one, made from a number.
func madeUpKeyTag(tag int64) string {
	sum := sha256.Sum256([]byte(strconv.FormatInt(tag, 10)))
	return hex.EncodeToString(sum[:])
}
