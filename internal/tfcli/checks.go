package tfcli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// PlanFile is the path of the plan this successful Plan saved, for an apply of exactly that plan
// (tfexec.DirOrPlan).
func (r Result) PlanFile(t *testing.T) string {
	t.Helper()
	if r.planFile == "" {
		t.Fatalf("terraform %s saved no plan (a failed plan, another command, or a plan saved with tfexec.Out)", r.Command)
	}
	return r.planFile
}

// ShowPlan is the plan this successful Plan saved, as `terraform show -json` renders it (numbers
// as json.Number, as knownvalue expects), for tests that read it; CheckPlan checks it.
func (r Result) ShowPlan(t *testing.T) *tfjson.Plan {
	t.Helper()
	path := r.PlanFile(t)
	var plan *tfjson.Plan
	r.w.run("show "+path, func(ctx context.Context, _ io.Writer, reattach *tfexec.ReattachOption) (err error) {
		plan, err = r.w.tf.ShowPlanFile(ctx, path, reattach, tfexec.JSONNumber(true))
		return err
	}).RequireSuccess(t)
	return plan
}

// CheckPlan runs terraform-plugin-testing's plan checks on the plan this successful Plan saved.
func (r Result) CheckPlan(t *testing.T, checks ...plancheck.PlanCheck) {
	t.Helper()
	plan := r.ShowPlan(t)
	var errs []error
	for _, check := range checks {
		resp := plancheck.CheckPlanResponse{}
		check.CheckPlan(context.Background(), plancheck.CheckPlanRequest{Plan: plan}, &resp)
		errs = append(errs, resp.Error)
	}
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("terraform %s: the plan checks failed:\n%v", r.Command, err)
	}
}

// CheckState runs terraform-plugin-testing's state checks on the working directory's state, as
// `terraform show -json` renders it.
func (w *Workdir) CheckState(t *testing.T, checks ...statecheck.StateCheck) {
	t.Helper()
	state := w.state(true)
	var errs []error
	for _, check := range checks {
		resp := statecheck.CheckStateResponse{}
		check.CheckState(context.Background(), statecheck.CheckStateRequest{State: state}, &resp)
		errs = append(errs, resp.Error)
	}
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("the state checks failed:\n%v", err)
	}
}

// state is the state as `terraform show -json` renders it (tfexec.Show), with numbers as
// json.Number (what knownvalue checks) or as float64 (what tests that read values compare).
func (w *Workdir) state(jsonNumbers bool) *tfjson.State {
	w.t.Helper()
	var state *tfjson.State
	w.run("show", func(ctx context.Context, _ io.Writer, reattach *tfexec.ReattachOption) (err error) {
		state, err = w.tf.Show(ctx, reattach, tfexec.JSONNumber(jsonNumbers))
		return err
	}).RequireSuccess(w.t)
	return state
}

// StateResources are the resource instances, current and deposed, of the root module's state,
// numbers as float64, for tests that read values (CheckState checks them).
func (w *Workdir) StateResources() []*tfjson.StateResource {
	w.t.Helper()
	if values := w.state(false).Values; values != nil && values.RootModule != nil {
		return values.RootModule.Resources
	}
	return nil
}

// StateResource returns the attributes of a managed resource instance in the state ("type.name",
// or "type.name[0]" / `type.name["k"]` for counted ones), or nil when the state does not have it.
func (w *Workdir) StateResource(address string) map[string]any {
	w.t.Helper()
	for _, r := range w.StateResources() {
		if r.Mode == tfjson.ManagedResourceMode && r.Address == address {
			return r.AttributeValues
		}
	}
	return nil
}

// StateOutput is the value of a root module output in the state, nil when there is none.
func (w *Workdir) StateOutput(name string) any {
	w.t.Helper()
	if values := w.state(false).Values; values != nil && values.Outputs[name] != nil {
		return values.Outputs[name].Value
	}
	return nil
}

// ExpectNoResource is a state check that the state has no instance of the resource at address.
func ExpectNoResource(address string) statecheck.StateCheck { return expectNoResource{address} }

type expectNoResource struct{ address string }

func (e expectNoResource) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		return
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address == e.address {
			resp.Error = fmt.Errorf("%s is in the state, want it absent: %v", e.address, r.AttributeValues)
			return
		}
	}
}

// ExpectActions is a plan check of the exact actions planned for the resource at address, for the
// ones plancheck.ResourceActionType has no name for: a forget is tfjson.Actions{tfjson.ActionForget},
// a replacement under lifecycle { destroy = false } {ActionForget, ActionCreate}.
func ExpectActions(address string, actions tfjson.Actions) plancheck.PlanCheck {
	return expectActions{address, actions}
}

type expectActions struct {
	address string
	actions tfjson.Actions
}

func (e expectActions) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != e.address {
			continue
		}
		if !slices.Equal(rc.Change.Actions, e.actions) {
			resp.Error = fmt.Errorf("%s: planned actions %q, want %q", e.address, rc.Change.Actions, e.actions)
		}
		return
	}
	resp.Error = fmt.Errorf("%s: no planned change, want %q", e.address, e.actions)
}

// ExpectImporting is a plan check that the plan imports the resource at address.
func ExpectImporting(address string) plancheck.PlanCheck { return expectImporting{address} }

type expectImporting struct{ address string }

func (e expectImporting) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address == e.address {
			if rc.Change == nil || rc.Change.Importing == nil {
				resp.Error = fmt.Errorf("%s: planned without an import, want an import", e.address)
			}
			return
		}
	}
	resp.Error = fmt.Errorf("%s: no planned change, want an import", e.address)
}

// ExpectResourceChanges is a plan check that the plan's resource changes (no-ops included) are
// for exactly these addresses, in any order.
func ExpectResourceChanges(addresses ...string) plancheck.PlanCheck {
	return expectResourceChanges{addresses}
}

type expectResourceChanges struct{ addresses []string }

func (e expectResourceChanges) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	var got []string
	for _, rc := range req.Plan.ResourceChanges {
		got = append(got, rc.Address)
	}
	want := slices.Clone(e.addresses)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		resp.Error = fmt.Errorf("resource changes for %q, want %q", got, want)
	}
}

// ExpectNoResources is a state check that the state holds no resource at all.
func ExpectNoResources() statecheck.StateCheck { return expectNoResources{} }

type expectNoResources struct{}

func (expectNoResources) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		return
	}
	var addresses []string
	for _, r := range req.State.Values.RootModule.Resources {
		addresses = append(addresses, r.Address)
	}
	if len(addresses) > 0 {
		resp.Error = fmt.Errorf("the state holds %q, want no resource", addresses)
	}
}
