package main

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/provider"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/server"
)

func newTestServer(t *testing.T) *nullServer {
	t.Helper()
	s, err := newNullServer(0)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// config is a configuration of nullkms_key as the bench writes it: every other attribute null.
func (s *nullServer) config(t *testing.T, memo string) tftypes.Value {
	t.Helper()
	values := map[string]tftypes.Value{}
	for name, typ := range s.objectType.AttributeTypes {
		values[name] = tftypes.NewValue(typ, nil)
	}
	values["name"] = tftypes.NewValue(tftypes.String, "bench-00001")
	values["type"] = tftypes.NewValue(tftypes.String, "AES256")
	values["memo"] = tftypes.NewValue(tftypes.String, memo)
	values["deletion_policy"] = tftypes.NewValue(tftypes.String, "DELETE")
	return tftypes.NewValue(s.objectType, values)
}

func (s *nullServer) dynamic(t *testing.T, v tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(s.objectType, v)
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

func (s *nullServer) decode(t *testing.T, dv *tfprotov6.DynamicValue) tftypes.Value {
	t.Helper()
	v, err := dv.Unmarshal(s.objectType)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func attribute(t *testing.T, object tftypes.Value, name string) tftypes.Value {
	t.Helper()
	var values map[string]tftypes.Value
	if err := object.As(&values); err != nil {
		t.Fatal(err)
	}
	return values[name]
}

// TestNullServerLifecycle walks one key through the bench's steps and checks the plans and
// states Terraform gets, and that the server stood for exactly the ideal's API calls.
func TestNullServerLifecycle(t *testing.T) {
	s := newTestServer(t)
	testLifecycle(t, s, s)
}

// TestNullServerLifecycle_framework: the framework null gets the same plans and states, and stands
// for the same calls.
func TestNullServerLifecycle_framework(t *testing.T) {
	s := newTestServer(t)
	testLifecycle(t, s, providerserver.NewProtocol6(nullProvider{frameworkKeys: s})())
}

// testLifecycle is the lifecycle of one key on server, which waits through s.
func testLifecycle(t *testing.T, s *nullServer, server tfprotov6.ProviderServer) {
	ctx := context.Background()
	null := s.dynamic(t, tftypes.NewValue(s.objectType, nil))
	config := s.config(t, "revision 1")

	// Create: the plan leaves the computed attributes unknown; the first create plan lists once.
	plan, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: nullKeyType, PriorState: null, ProposedNewState: s.dynamic(t, config), Config: s.dynamic(t, config)})
	if err != nil {
		t.Fatal(err)
	}
	planned := s.decode(t, plan.PlannedState)
	if v := attribute(t, planned, "key_tag"); v.IsKnown() {
		t.Errorf("planned key_tag = %s, want unknown", v)
	}
	if v := attribute(t, planned, "memo"); !v.Equal(tftypes.NewValue(tftypes.String, "revision 1")) {
		t.Errorf("planned memo = %s, want the configuration's", v)
	}
	created, err := server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: nullKeyType, PriorState: null, PlannedState: plan.PlannedState, Config: s.dynamic(t, config)})
	if err != nil {
		t.Fatal(err)
	}
	state := s.decode(t, created.NewState)
	if !state.IsFullyKnown() || !attribute(t, state, "id").Equal(attribute(t, state, "key_tag")) {
		t.Errorf("created state %s: want every attribute known and id = key_tag", state)
	}
	var tag string
	if err := attribute(t, state, "key_tag").As(&tag); err != nil || len(tag) != 64 {
		t.Errorf("key_tag %q: want 64 hex digits, as large as a real tag", tag)
	}
	if !attribute(t, state, "status").Equal(tftypes.NewValue(tftypes.String, "ENABLE")) ||
		!attribute(t, state, "enabled").Equal(tftypes.NewValue(tftypes.Bool, true)) {
		t.Errorf("created state %s: want an enabled key like the real one", state)
	}
	if got := s.calls.Load(); got != 3 {
		t.Errorf("create stood for %d calls, want 3 (list, POST, GET)", got)
	}

	// Refresh: one GET, the state unchanged.
	read, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: nullKeyType, CurrentState: created.NewState})
	if err != nil {
		t.Fatal(err)
	}
	if !s.decode(t, read.NewState).Equal(state) || s.calls.Load() != 4 {
		t.Errorf("read changed the state or stood for %d calls in all, want 4", s.calls.Load())
	}

	// Update of the memo: one call.
	updated := s.config(t, "revision 2")
	var values map[string]tftypes.Value
	if err := state.As(&values); err != nil {
		t.Fatal(err)
	}
	values["memo"] = attribute(t, updated, "memo")
	proposed := tftypes.NewValue(s.objectType, values)
	plan, err = server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: nullKeyType, PriorState: created.NewState, ProposedNewState: s.dynamic(t, proposed), Config: s.dynamic(t, updated)})
	if err != nil {
		t.Fatal(err)
	}
	applied, err := server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: nullKeyType, PriorState: created.NewState, PlannedState: plan.PlannedState, Config: s.dynamic(t, updated)})
	if err != nil {
		t.Fatal(err)
	}
	if !s.decode(t, applied.NewState).Equal(proposed) || s.calls.Load() != 5 {
		t.Errorf("update: state %s after %d calls in all, want the proposed state after 5", s.decode(t, applied.NewState), s.calls.Load())
	}

	// Destroy: the plan reads the last use, then request-deletion and DELETE.
	plan, err = server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: nullKeyType, PriorState: applied.NewState, ProposedNewState: null, Config: null})
	if err != nil {
		t.Fatal(err)
	}
	if !s.decode(t, plan.PlannedState).IsNull() || s.calls.Load() != 6 {
		t.Errorf("destroy plan: planned %s after %d calls in all, want null after 6", s.decode(t, plan.PlannedState), s.calls.Load())
	}
	destroyed, err := server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: nullKeyType, PriorState: applied.NewState, PlannedState: null})
	if err != nil {
		t.Fatal(err)
	}
	if !s.decode(t, destroyed.NewState).IsNull() || s.calls.Load() != 8 {
		t.Errorf("destroy: state %s after %d calls in all, want null after 8", s.decode(t, destroyed.NewState), s.calls.Load())
	}
}

// TestNullServerAbandonPlanReadsNoLastUse: an abandoned key's warning has no last-use line.
func TestNullServerAbandonPlanReadsNoLastUse(t *testing.T) {
	s := newTestServer(t)
	var values map[string]tftypes.Value
	if err := s.config(t, "revision 1").As(&values); err != nil {
		t.Fatal(err)
	}
	values["deletion_policy"] = tftypes.NewValue(tftypes.String, "ABANDON")
	null := s.dynamic(t, tftypes.NewValue(s.objectType, nil))
	if _, err := s.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{TypeName: nullKeyType,
		PriorState: s.dynamic(t, tftypes.NewValue(s.objectType, values)), ProposedNewState: null, Config: null}); err != nil {
		t.Fatal(err)
	}
	if got := s.calls.Load(); got != 0 {
		t.Errorf("the destroy plan of an abandoned key stood for %d calls, want 0", got)
	}
}

func TestNullServerSchemaIsTheKeys(t *testing.T) {
	s := newTestServer(t)
	resp, err := s.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	schema, ok := resp.ResourceSchemas[nullKeyType]
	if !ok || len(resp.ResourceSchemas) != 1 {
		t.Fatalf("resource schemas %v, want only %s", resp.ResourceSchemas, nullKeyType)
	}
	keySchemas, err := providerserver.NewProtocol6(provider.New("test")())().GetProviderSchema(context.Background(),
		&tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(schema.Block.Attributes), len(keySchemas.ResourceSchemas["ncloudkms_key"].Block.Attributes); got != want || want == 0 {
		t.Errorf("%d attributes, want ncloudkms_key's %d", got, want)
	}
	framework, err := providerserver.NewProtocol6(nullProvider{frameworkKeys: s})().GetProviderSchema(context.Background(),
		&tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if got := framework.ResourceSchemas[nullKeyType]; got == nil || !got.ValueType().Equal(schema.ValueType()) || len(framework.ResourceSchemas) != 1 {
		t.Errorf("the framework null's schemas %v, want only %s, typed as the raw server's", framework.ResourceSchemas, nullKeyType)
	}
}

func TestNullServerUpgradesJSONState(t *testing.T) {
	s := newTestServer(t)
	resp, err := s.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{
		TypeName: nullKeyType, RawState: &tfprotov6.RawState{JSON: []byte(`{"id":"null-1","key_tag":"null-1","name":"k"}`)}})
	if err != nil {
		t.Fatal(err)
	}
	state := s.decode(t, resp.UpgradedState)
	if !attribute(t, state, "name").Equal(tftypes.NewValue(tftypes.String, "k")) || !attribute(t, state, "memo").IsNull() {
		t.Errorf("upgraded state %s", state)
	}
}

// TestNullServerListsKeys: a listing of limit keys stands for a key list page, plus a key read per
// key with include_resource, on the raw server and on the framework null alike.
func TestNullServerListsKeys(t *testing.T) {
	for _, framework := range []bool{false, true} {
		for _, include := range []bool{false, true} {
			s := newTestServer(t)
			var served tfprotov6.ProviderServer = s
			if framework {
				served = server.NewProtocol6Server(nullProvider{frameworkKeys: s}, true)
			}
			lister, ok := served.(tfprotov6.ListResourceServer)
			if !ok {
				t.Fatalf("framework %t: the server has no list resources", framework)
			}
			stream, err := lister.ListResource(context.Background(), &tfprotov6.ListResourceRequest{TypeName: nullKeyType,
				IncludeResource: include, Limit: 3})
			if err != nil {
				t.Fatal(err)
			}
			results := 0
			for result := range stream.Results {
				results++
				if len(result.Diagnostics) > 0 || result.Identity == nil || (result.Resource != nil) != include {
					t.Errorf("framework %t, include_resource %t: result %+v", framework, include, result)
				}
			}
			wantCalls := int64(1)
			if include {
				wantCalls += 3
			}
			if results != 3 || s.calls.Load() != wantCalls {
				t.Errorf("framework %t, include_resource %t: %d results for %d calls, want 3 for %d", framework, include,
					results, s.calls.Load(), wantCalls)
			}
		}
	}
}
