package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The plan of ncloudkms_key_token_generator: every plan that revokes the generator's tokens says
// so on the resource's address (`Key tokens will be revoked`), or fails under deletion_protection.
//
// The paths that revoke them (DESIGN.md "Every path to a replacement" explains how Terraform plans
// each, and key_removal.go how ncloudkms_key follows them; this resource follows them the same
// way):
//
//   - destroy, and the removal of the resource block: a plan with a prior state and no planned state;
//   - a change of regenerate_triggers: an update, replaced in place with PUT;
//   - a change of key_tag: the plan with the prior state warns, and records that it did in its
//     private data, which the create plan of the replacement receives;
//   - -replace and replace_triggered_by: only the create plan knows, and Terraform drops its
//     warnings, so it fails with an error that quotes the warning;
//   - a tainted generator: Terraform plans only a create, with no prior state and no private data.
//     Every generator of the state is recorded from UpgradeResourceState and ReadResource
//     (state_observer.go); a create for the key of a recorded generator that no plan with a prior
//     state has kept replaces that generator, and warns as any replacement does.
//
// Delete refuses a removal that no plan announced, and a protected generator.

// generatorRemovalRecord is where a plan keeps its replacedGenerator record.
var generatorRemovalRecord = privateRecordKey[replacedGenerator]{name: "replaces_token_generator",
	valid: func(g replacedGenerator) bool { return g.KeyTag != "" }}

// replacedGenerator is what the plan of a removal needs to know about the generator it removes.
// Its JSON names are those of the resource's attributes, so a raw state decodes into it.
type replacedGenerator struct {
	KeyTag             string `json:"key_tag"`
	IssuedTokenCount   int64  `json:"issued_token_count"`
	DeletionProtection bool   `json:"deletion_protection"`
	// Announced is true when a plan said that the tokens are revoked.
	Announced bool `json:"announced,omitempty"`
}

func replacedGeneratorOf(state keyTokenGeneratorModel) replacedGenerator {
	return replacedGenerator{
		KeyTag:             state.KeyTag.ValueString(),
		IssuedTokenCount:   state.IssuedTokenCount.ValueInt64(),
		DeletionProtection: state.DeletionProtection.ValueBool(),
	}
}

// decodeReplacedGenerator reads the raw state of a generator (UpgradeResourceState) as a record.
func decodeReplacedGenerator(raw []byte) (replacedGenerator, bool) {
	var g replacedGenerator
	if len(raw) == 0 || json.Unmarshal(raw, &g) != nil || g.KeyTag == "" {
		return replacedGenerator{}, false
	}
	return g, true
}

// stateGenerators is every token generator of this configuration's state that this provider
// process has seen (state_records.go).
type stateGenerators = stateRecords[replacedGenerator]

func newStateGenerators() *stateGenerators {
	return newStateRecords(func(g replacedGenerator) string { return g.KeyTag }, decodeReplacedGenerator)
}

// generators is the process's record of the generators of this configuration's state, or nil
// before the provider is configured.
func (r *keyTokenGeneratorResource) generators() *stateGenerators {
	if r.data == nil {
		return nil
	}
	return r.data.generators
}

// ModifyPlan predicts the computed attributes and adds the revocation diagnostics.
func (r *keyTokenGeneratorResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() {
		if !req.Plan.Raw.IsNull() {
			r.planCreate(ctx, req, resp)
		}
		return
	}
	var state keyTokenGeneratorModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	prior := replacedGeneratorOf(state)
	if r.generators().PlannedWithPrior(prior) {
		resp.Diagnostics.AddError(summaryKeyTokenGeneratorClaimedTwice,
			generatorClaimedTwiceDetail(r.data.describeKey(ctx, prior.KeyTag)))
		return
	}
	if req.Plan.Raw.IsNull() {
		r.addRevocationDiagnostics(ctx, prior, prior.DeletionProtection, generatorDestroyed, "", &resp.Diagnostics)
		prior.Announced = true // Delete checks that the plan announced the removal
		resp.Diagnostics.Append(generatorRemovalRecord.Set(ctx, resp.Private, prior)...)
		return
	}

	var plan keyTokenGeneratorModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	plan.DeletionProtection = r.plannedGeneratorProtection(ctx, req.Config, state.DeletionProtection, &resp.Diagnostics)
	change, why := plannedGeneratorChange(state, plan)
	shapeGeneratorPlan(state, &plan, change)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	if change != "" {
		protected := prior.DeletionProtection || plan.DeletionProtection.ValueBool()
		r.addRevocationDiagnostics(ctx, prior, protected, change, why, &resp.Diagnostics)
		prior.Announced = true
	}
	// Terraform may yet replace the generator (-replace, replace_triggered_by): its create plan then
	// receives this record and learns what it replaces, and whether this plan said so.
	resp.Diagnostics.Append(generatorRemovalRecord.Set(ctx, resp.Private, prior)...)
}

// plannedGeneratorChange says whether an update plan revokes the tokens: generatorReplaced when
// key_tag changes, generatorRegenerated when regenerate_triggers does, "" when neither; and what changes.
func plannedGeneratorChange(state, plan keyTokenGeneratorModel) (generatorChange, string) {
	switch {
	case plan.KeyTag.IsUnknown():
		return generatorReplaced, "key_tag is known only at apply time and may change"
	case !strings.EqualFold(plan.KeyTag.ValueString(), state.KeyTag.ValueString()):
		return generatorReplaced, fmt.Sprintf("key_tag changes from %s to %s", state.KeyTag, plan.KeyTag)
	case !triggersKnown(plan.RegenerateTriggers):
		return generatorRegenerated, "regenerate_triggers is known only at apply time and may change"
	case !sameTriggers(state.RegenerateTriggers, plan.RegenerateTriggers):
		return generatorRegenerated, fmt.Sprintf("regenerate_triggers changes from %s to %s",
			triggersText(state.RegenerateTriggers), triggersText(plan.RegenerateTriggers))
	}
	return "", ""
}

// shapeGeneratorPlan predicts the computed attributes: those of the current generator, unless a
// new generator takes its place.
func shapeGeneratorPlan(state keyTokenGeneratorModel, plan *keyTokenGeneratorModel, change generatorChange) {
	if change == "" {
		plan.GeneratorID, plan.Status, plan.EnabledAt, plan.IssuedTokenCount =
			state.GeneratorID, state.Status, state.EnabledAt, state.IssuedTokenCount
		return
	}
	plan.GeneratorID, plan.EnabledAt, plan.IssuedTokenCount = types.StringUnknown(), types.StringUnknown(), types.Int64Unknown()
	plan.Status = types.StringUnknown()
}

// triggersKnown reports a map whose keys and values are all known.
func triggersKnown(m types.Map) bool {
	if m.IsUnknown() {
		return false
	}
	for _, v := range m.Elements() {
		if v.IsUnknown() {
			return false
		}
	}
	return true
}

// sameTriggers compares two maps of triggers; null and empty are the same.
func sameTriggers(a, b types.Map) bool {
	if len(a.Elements()) == 0 && len(b.Elements()) == 0 {
		return !a.IsUnknown() && !b.IsUnknown()
	}
	return a.Equal(b)
}

func triggersText(m types.Map) string {
	if m.IsNull() {
		return "null"
	}
	return m.String()
}

// planCreate reports the create half of a replacement: a replacement on request (-replace,
// replace_triggered_by) is refused, as only its errors reach the user; a tainted generator's
// replacement warns like any other.
func (r *keyTokenGeneratorResource) planCreate(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var plan keyTokenGeneratorModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	plan.DeletionProtection = r.plannedGeneratorProtection(ctx, req.Config, types.BoolNull(), &resp.Diagnostics)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	if replaced, ok := replacedGeneratorFromPrivate(ctx, req); ok {
		if replaced.Announced {
			return
		}
		rv := tokenRevocation{Key: r.data.describeKey(ctx, replaced.KeyTag), Issued: replaced.IssuedTokenCount, Change: generatorOnRequest}
		if replaced.DeletionProtection || plan.DeletionProtection.ValueBool() {
			resp.Diagnostics.AddError(summaryKeyTokenRevocationProtected, tokenRevocationProtectedDetail(rv))
			return
		}
		resp.Diagnostics.AddError(summaryKeyTokenGeneratorReplacementRefused, generatorReplacementRefusedDetail(rv))
		return
	}
	if plan.KeyTag.IsUnknown() {
		return
	}
	tainted, ok := r.generators().ClaimTainted(plan.KeyTag.ValueString())
	if !ok {
		r.checkNoGenerator(ctx, plan.KeyTag.ValueString(), &resp.Diagnostics)
		return
	}
	protected := tainted.DeletionProtection || plan.DeletionProtection.ValueBool()
	r.addRevocationDiagnostics(ctx, tainted, protected, generatorTainted, "", &resp.Diagnostics)
	tainted.Announced = true // Delete then knows that this plan announced the removal
	resp.Diagnostics.Append(generatorRemovalRecord.Set(ctx, resp.Private, tainted)...)
}

// checkNoGenerator refuses, at plan time, a create for a key that has a generator already: the
// create would fail. A failed read leaves the question to the create.
func (r *keyTokenGeneratorResource) checkNoGenerator(ctx context.Context, tag string, diags *diag.Diagnostics) {
	if r.data == nil {
		return
	}
	if _, err := r.data.client.GetTokenGenerator(ctx, tag); err == nil {
		diags.AddError(summaryKeyTokenGeneratorExists, generatorExistsDetail(r.data.describeKey(ctx, tag)))
	}
}

// replacedGeneratorFromPrivate reads the record that the plan with the prior state left for the
// create plan of a replacement.
func replacedGeneratorFromPrivate(ctx context.Context, req resource.ModifyPlanRequest) (replacedGenerator, bool) {
	return generatorRemovalRecord.Get(ctx, req.Private)
}

// addRevocationDiagnostics warns that the generator's tokens are revoked, or refuses it under protection.
func (r *keyTokenGeneratorResource) addRevocationDiagnostics(ctx context.Context, g replacedGenerator, protected bool,
	change generatorChange, why string, diags *diag.Diagnostics) {
	rv := tokenRevocation{Key: r.data.describeKey(ctx, g.KeyTag), Issued: g.IssuedTokenCount, Change: change, Why: why}
	if protected {
		diags.AddError(summaryKeyTokenRevocationProtected, tokenRevocationProtectedDetail(rv))
		return
	}
	diags.AddWarning(summaryKeyTokensWillBeRevoked, tokensRevokedDetail(rv))
}

// generatorRemovalAnnounced reports whether the plan being applied announced the removal of the
// generator of the key tagged tag.
func generatorRemovalAnnounced(ctx context.Context, req resource.DeleteRequest, tag string) bool {
	announced, ok := generatorRemovalRecord.Get(ctx, req.Private)
	return ok && announced.Announced && strings.EqualFold(announced.KeyTag, tag)
}
