package provider

// What a stop (Terraform's Ctrl-C: StopProvider, which cancels the contexts of the calls in flight)
// does to a create or delete that has begun. These tests drive the provider through the plugin
// protocol, as Terraform does, against a slow mock.

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/server"
)

func TestStopGrace_finishDespiteStop(t *testing.T) {
	type marker struct{}
	parent, stop := context.WithCancel(context.WithValue(context.Background(), marker{}, "kept"))
	ctx, finish := finishDespiteStop(parent, 50*time.Millisecond)
	defer finish()
	if ctx.Value(marker{}) != "kept" {
		t.Error("values of the parent context are lost")
	}
	stop()
	select {
	case <-ctx.Done():
		t.Fatal("the context ended with its parent, before the grace period")
	case <-time.After(20 * time.Millisecond):
	}
	select {
	case <-ctx.Done():
	case <-time.After(2 * time.Second):
		t.Fatal("the context did not end after the grace period")
	}

	ctx, finish = finishDespiteStop(context.Background(), time.Hour)
	finish()
	if ctx.Err() == nil {
		t.Error("finish did not end the context")
	}
}

// stopTestProvider is one provider server configured against the mock, and the resource's types.
type stopTestProvider struct {
	t        *testing.T
	server   tfprotov6.ProviderServer
	resource tftypes.Type
	schema   rschema.Schema
}

func newStopTestProvider(t *testing.T, m *kmsmock.Server) *stopTestProvider {
	t.Helper()
	return newProtocolTestProvider(t, m, nil)
}

// newProtocolTestProvider serves the provider through its protocol server, configured for the
// mock with the extra provider settings given.
func newProtocolTestProvider(t *testing.T, m *kmsmock.Server, settings map[string]attr.Value) *stopTestProvider {
	t.Helper()
	ctx := context.Background()
	p := New("test")()
	server := server.NewProtocol6Server(p, true) // as served when Terraform discards the logs
	var providerSchema fwprovider.SchemaResponse
	p.Schema(ctx, fwprovider.SchemaRequest{}, &providerSchema)
	config := tfsdk.State{Schema: providerSchema.Schema, Raw: tftypes.NewValue(providerSchema.Schema.Type().TerraformType(ctx), nil)}
	all := map[string]attr.Value{"endpoint": types.StringValue(m.URL()), "access_key": types.StringValue(m.AccessKey()),
		"secret_key": types.StringValue(m.SecretKey())}
	maps.Copy(all, settings)
	for name, value := range all {
		if diags := config.SetAttribute(ctx, path.Root(name), value); diags.HasError() {
			t.Fatal(diags)
		}
	}
	if _, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{}); err != nil {
		t.Fatal(err)
	}
	configured, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.11.4",
		Config:           dynamicValue(t, config.Schema.Type().TerraformType(ctx), config.Raw),
	})
	if err != nil || diagnosticsFailed(configured.Diagnostics) {
		t.Fatalf("configure: %v %v", err, configured.Diagnostics)
	}
	var resourceSchema fwresource.SchemaResponse
	newKeyResource().Schema(ctx, fwresource.SchemaRequest{}, &resourceSchema)
	return &stopTestProvider{t: t, server: server, resource: resourceSchema.Schema.Type().TerraformType(ctx),
		schema: resourceSchema.Schema}
}

// value encodes a model as the resource's protocol value.
func (p *stopTestProvider) value(model keyResourceModel) *tfprotov6.DynamicValue {
	p.t.Helper()
	state := tfsdk.State{Schema: p.schema, Raw: tftypes.NewValue(p.resource, nil)}
	if diags := state.Set(context.Background(), &model); diags.HasError() {
		p.t.Fatal(diags)
	}
	return dynamicValue(p.t, p.resource, state.Raw)
}

// destroyPlanPrivate plans the destroy of the key in state and returns the plan's private data,
// which the apply of that plan receives.
func (p *stopTestProvider) destroyPlanPrivate(state keyResourceModel) []byte {
	p.t.Helper()
	resp, err := p.server.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{
		TypeName: keyResourceTypeName, PriorState: p.value(state), ProposedNewState: p.null(), Config: p.null(),
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp.PlannedPrivate
}

func (p *stopTestProvider) null() *tfprotov6.DynamicValue {
	return dynamicValue(p.t, p.resource, tftypes.NewValue(p.resource, nil))
}

// decode reads a protocol value back into a model; ok is false for a null value.
func (p *stopTestProvider) decode(v *tfprotov6.DynamicValue) (model keyResourceModel, ok bool) {
	p.t.Helper()
	raw, err := v.Unmarshal(p.resource)
	if err != nil {
		p.t.Fatal(err)
	}
	if raw.IsNull() {
		return model, false
	}
	state := tfsdk.State{Schema: p.schema, Raw: raw}
	if diags := state.Get(context.Background(), &model); diags.HasError() {
		p.t.Fatal(diags)
	}
	return model, true
}

// applyStoppedAfter runs ApplyResourceChange and calls StopProvider after delay, as Terraform does
// on Ctrl-C.
func (p *stopTestProvider) applyStoppedAfter(delay time.Duration, req *tfprotov6.ApplyResourceChangeRequest) *tfprotov6.ApplyResourceChangeResponse {
	p.t.Helper()
	req.TypeName = "ncloudkms_key"
	timer := time.AfterFunc(delay, func() { _, _ = p.server.StopProvider(context.Background(), &tfprotov6.StopProviderRequest{}) })
	defer timer.Stop()
	resp, err := p.server.ApplyResourceChange(context.Background(), req)
	if err != nil {
		p.t.Fatal(err)
	}
	return resp
}

func dynamicValue(t *testing.T, typ tftypes.Type, raw tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	v, err := tfprotov6.NewDynamicValue(typ, raw)
	if err != nil {
		t.Fatal(err)
	}
	return &v
}

func diagnosticsFailed(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

func stopTestPlan(name string) keyResourceModel {
	return withNullExtras(keyResourceModel{
		keyModel: keyModel{
			ID:                   types.StringUnknown(),
			KeyTag:               types.StringUnknown(),
			Name:                 types.StringValue(name),
			Type:                 types.StringValue("AES256"),
			ProtectionType:       types.StringValue("BASIC"),
			Memo:                 types.StringValue(""),
			Convergent:           types.BoolValue(false),
			RotationPeriodDays:   types.Int64Null(),
			Enabled:              types.BoolValue(true),
			Status:               types.StringValue("ENABLE"),
			CurrentVersion:       types.Int64Unknown(),
			NRN:                  types.StringUnknown(),
			CreatedAt:            types.StringUnknown(),
			NextRotationAt:       types.StringNull(),
			DeletionScheduledFor: types.StringNull(),
		},
		DeletionPolicy:     types.StringValue("DELETE"),
		DeletionProtection: types.BoolValue(false),
		RestoreIfPending:   types.BoolValue(false),
	})
}

// TestKeyResource_stopDuringCreateRecordsTheKey: a stop while POST /keys is in flight used to end
// the create with an error although the server made the key (orphaned: not in the state, and the
// next apply failed on its name), or, when it came during the read-back, to save the key tainted.
// The create now finishes and the key is recorded whole.
func TestKeyResource_stopDuringCreateRecordsTheKey(t *testing.T) {
	for _, stopAfter := range []time.Duration{50 * time.Millisecond, 250 * time.Millisecond} {
		m := kmsmock.NewTestServer(t, kmsmock.Options{Latency: 200 * time.Millisecond})
		p := newStopTestProvider(t, m)
		plan := stopTestPlan("stopped-create")
		resp := p.applyStoppedAfter(stopAfter, &tfprotov6.ApplyResourceChangeRequest{
			PriorState: p.null(), PlannedState: p.value(plan), Config: p.value(plan),
		})
		if diagnosticsFailed(resp.Diagnostics) {
			t.Fatalf("stop after %s: create failed: %v", stopAfter, resp.Diagnostics[0])
		}
		state, ok := p.decode(resp.NewState)
		keys := m.Keys()
		if !ok || len(keys) != 1 || state.ID.ValueString() != keys[0].KeyTag || state.CurrentVersion.ValueInt64() != 1 {
			t.Fatalf("stop after %s: state %+v, mock %+v", stopAfter, state, keys)
		}
	}
}

// TestKeyResource_stopBeforeCreateMakesNoCall: a create that a stop reaches before it began does
// not begin.
func TestKeyResource_stopBeforeCreateMakesNoCall(t *testing.T) {
	m := kmsmock.NewTestServer(t, kmsmock.Options{})
	p := newStopTestProvider(t, m)
	stopped, stop := context.WithCancel(context.Background())
	stop()
	plan := stopTestPlan("never-made")
	resp, err := p.server.ApplyResourceChange(stopped, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: "ncloudkms_key", PriorState: p.null(), PlannedState: p.value(plan), Config: p.value(plan),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !diagnosticsFailed(resp.Diagnostics) {
		t.Error("a stopped create reported success")
	}
	if len(m.Journal()) != 0 || len(m.Keys()) != 0 {
		t.Errorf("calls %q, keys %+v: want none", journalCalls(m), m.Keys())
	}
}

// TestKeyResource_stopDuringDeleteFinishesIt: a stop while DELETE was in flight used to leave the
// key in the state as pending deletion although the server had deleted it. The delete now
// finishes, and the key leaves the state.
func TestKeyResource_stopDuringDeleteFinishesIt(t *testing.T) {
	for _, stopAfter := range []time.Duration{50 * time.Millisecond, 250 * time.Millisecond} {
		m := kmsmock.NewTestServer(t, kmsmock.Options{})
		key := testAccMockKey(t, m, kmsmock.KeySpec{Name: "stopped-delete", Type: "AES256"})
		m.SetLatency(200 * time.Millisecond)
		p := newStopTestProvider(t, m)
		state := stopTestPlan(key.KeyName)
		state.ID, state.KeyTag = types.StringValue(key.KeyTag), types.StringValue(key.KeyTag)
		state.CurrentVersion, state.NRN, state.CreatedAt = types.Int64Value(1), types.StringValue(key.NRN), types.StringValue("2025-01-01T00:00:00Z")
		resp := p.applyStoppedAfter(stopAfter, &tfprotov6.ApplyResourceChangeRequest{
			PriorState: p.value(state), PlannedState: p.null(), Config: p.null(), PlannedPrivate: p.destroyPlanPrivate(state),
		})
		if diagnosticsFailed(resp.Diagnostics) {
			t.Fatalf("stop after %s: delete failed: %v", stopAfter, resp.Diagnostics[0])
		}
		if _, ok := p.decode(resp.NewState); ok {
			t.Errorf("stop after %s: the key is still in the state", stopAfter)
		}
		if _, ok := m.Key(key.KeyTag); ok {
			t.Errorf("stop after %s: the key still exists", stopAfter)
		}
	}
}

// TestKeyResource_stopDuringUpdateSavesWhatWasReached: an update that a stop cuts short (it is not
// shielded: every step is safe to repeat) saves the steps it completed, so state and key agree.
func TestKeyResource_stopDuringUpdateSavesWhatWasReached(t *testing.T) {
	m := kmsmock.NewTestServer(t, kmsmock.Options{})
	key := testAccMockKey(t, m, kmsmock.KeySpec{Name: "old-name", Type: "AES256"})
	m.SetLatency(200 * time.Millisecond)
	p := newStopTestProvider(t, m)
	prior := stopTestPlan(key.KeyName)
	prior.ID, prior.KeyTag = types.StringValue(key.KeyTag), types.StringValue(key.KeyTag)
	prior.CurrentVersion, prior.NRN, prior.CreatedAt = types.Int64Value(1), types.StringValue(key.NRN), types.StringValue("2025-01-01T00:00:00Z")
	planned := prior
	planned.Name, planned.Memo, planned.Enabled, planned.Status = types.StringValue("new-name"), types.StringValue("memo"),
		types.BoolValue(false), types.StringValue("DISABLE")

	// The rename is answered at about 200ms; the stop comes while the memo call waits in the mock.
	resp := p.applyStoppedAfter(300*time.Millisecond, &tfprotov6.ApplyResourceChangeRequest{
		PriorState: p.value(prior), PlannedState: p.value(planned), Config: p.value(planned),
	})
	if !diagnosticsFailed(resp.Diagnostics) {
		t.Fatal("the stopped update reported success")
	}
	state, ok := p.decode(resp.NewState)
	current, _ := m.Key(key.KeyTag)
	if !ok || state.Name.ValueString() != current.KeyName || state.Memo.ValueString() != current.Memo ||
		state.Status.ValueString() != current.Status || current.KeyName != "new-name" {
		t.Errorf("saved state %+v, key %+v: want the rename recorded and nothing more", state, current)
	}
}
