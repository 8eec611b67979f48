package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// The ncloudkms_key_acl resource: the IP ACL of one key (DESIGN.md §2.21–§2.25, DESIGN.md
// §5a). Every key has an ACL, off and empty when the key is new; this resource takes it over on
// create and gives it back off and empty on destroy. Its plan logic is in key_acl_resource_plan.go.

var (
	_ resource.Resource                   = (*keyACLResource)(nil)
	_ resource.ResourceWithConfigure      = (*keyACLResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*keyACLResource)(nil)
	_ resource.ResourceWithImportState    = (*keyACLResource)(nil)
	_ resource.ResourceWithIdentity       = (*keyACLResource)(nil)
	_ resource.ResourceWithValidateConfig = (*keyACLResource)(nil)
)

// keyACLTypeName is the resource's type name in configurations.
const keyACLTypeName = "ncloudkms_key_acl"

// newKeyACLResource is registered by the provider.
func newKeyACLResource() resource.Resource {
	return &keyACLResource{}
}

// keyACLResource manages the IP ACL of one key.
type keyACLResource struct {
	keyScopedResource
}

// keyACLModel is the state and plan of ncloudkms_key_acl.
type keyACLModel struct {
	ID         types.String `tfsdk:"id"`
	KeyTag     types.String `tfsdk:"key_tag"`
	Enabled    types.Bool   `tfsdk:"enabled"`
	AllowedIPs types.Set    `tfsdk:"allowed_ips"`
}

const defaultACLEnabled = true

func (r *keyACLResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_key_acl"
}

func (r *keyACLResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The IP ACL of an NCloud KMS key: which client addresses may request token sets and access " +
			"tokens for the key while the ACL is on. One per key. Calls signed with account keys are not filtered.",
		Attributes: map[string]schema.Attribute{
			"id":      keyScopedIDAttribute(""),
			"key_tag": keyTagArgument("The tag of the key whose ACL this is. Changing it moves the resource to another key."),
			"enabled": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(defaultACLEnabled),
				MarkdownDescription: "Whether the ACL is on: only `allowed_ips` get tokens. Off, any address gets them. " +
					"Defaults to `true`.",
			},
			"allowed_ips": schema.SetAttribute{
				Required:    true,
				ElementType: types.StringType,
				MarkdownDescription: "The whole allow list: IPv4 addresses in dotted-quad form, such as `203.0.113.7` " +
					"(no ranges). Addresses added outside Terraform are removed on the next apply. Empty with " +
					"`enabled = true` denies every address, which the plan warns about.",
				Validators: []validator.Set{setvalidator.ValueStringsAre(ipv4Validator{})},
			},
		},
	}
}

// ValidateConfig refuses a null address in the list, which no API call can carry.
func (r *keyACLResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var config keyACLModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &config)...); resp.Diagnostics.HasError() {
		return
	}
	if config.AllowedIPs.IsUnknown() || config.AllowedIPs.IsNull() {
		return
	}
	for _, element := range config.AllowedIPs.Elements() {
		if element.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("allowed_ips"), "Invalid IPv4 address",
				"allowed_ips holds a null value: every item must be an IPv4 address such as 203.0.113.7.")
			return
		}
	}
}

// aclReached is an ACL as the calls so far left it, and the steps they made.
type aclReached struct {
	enabled bool
	ips     []string
	done    []string
}

// aclStepError says which step of convergeACL failed.
type aclStepError struct {
	step  string
	cause error
}

// convergeACL takes the ACL from current to the plan, and never through a moment that denies an
// address both the current and the planned ACL allow: an ACL that the plan turns off goes off first;
// then the new addresses are added, then the old ones removed; an ACL that the plan turns on goes on
// last. Each answer is recorded in the returned ACL.
func convergeACL(ctx context.Context, client *kmsapi.Client, tag string, current *kmsapi.ACL, wantEnabled bool, want []string) (aclReached, *aclStepError) {
	reached := aclReached{enabled: current.Enabled, ips: current.AllowedIPs}
	if !wantEnabled && reached.enabled {
		if err := client.DisableACL(ctx, tag); err != nil {
			return reached, &aclStepError{"turning the ACL off", err}
		}
		reached.enabled = false
		reached.done = append(reached.done, "the ACL was turned off")
	}
	if add := missingFrom(reached.ips, want); len(add) > 0 {
		ips, err := client.AddAllowedIPs(ctx, tag, add)
		if err != nil {
			return reached, &aclStepError{"adding " + strings.Join(add, ", "), err}
		}
		reached.ips = ips
		reached.done = append(reached.done, strings.Join(add, ", ")+" added")
	}
	if remove := missingFrom(want, reached.ips); len(remove) > 0 {
		ips, err := client.RemoveAllowedIPs(ctx, tag, remove)
		if err != nil {
			return reached, &aclStepError{"removing " + strings.Join(remove, ", "), err}
		}
		reached.ips = ips
		reached.done = append(reached.done, strings.Join(remove, ", ")+" removed")
	}
	if wantEnabled && !reached.enabled {
		if err := client.EnableACL(ctx, tag); err != nil {
			return reached, &aclStepError{"turning the ACL on", err}
		}
		reached.enabled = true
		reached.done = append(reached.done, "the ACL was turned on")
	}
	return reached, nil
}

// missingFrom returns the items of want that have is lacks, sorted.
func missingFrom(have, want []string) []string {
	var missing []string
	for _, ip := range want {
		if !slices.Contains(have, ip) && !slices.Contains(missing, ip) {
			missing = append(missing, ip)
		}
	}
	slices.Sort(missing)
	return missing
}

// plannedACL reads the planned addresses.
func plannedACL(ctx context.Context, plan keyACLModel, diags *diag.Diagnostics) []string {
	var want []string
	diags.Append(plan.AllowedIPs.ElementsAs(ctx, &want, false)...)
	return want
}

// aclState is the model of an ACL as the API reports it.
func aclState(ctx context.Context, tag string, enabled bool, ips []string) *keyACLModel {
	elements := append(make([]string, 0, len(ips)), ips...)
	slices.Sort(elements)
	set, _ := types.SetValueFrom(ctx, types.StringType, elements) // strings always convert
	return &keyACLModel{ID: types.StringValue(tag), KeyTag: types.StringValue(tag), Enabled: types.BoolValue(enabled), AllowedIPs: set}
}

// Create takes the key's ACL over: one read, then only the calls that bring it to the plan. A
// failure saves nothing: the ACL exists whatever happens, and the next apply reads it again.
func (r *keyACLResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan keyACLModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	want := plannedACL(ctx, plan, &resp.Diagnostics)
	client := r.requireClient(&resp.Diagnostics)
	if client == nil || resp.Diagnostics.HasError() {
		return
	}
	tag := plan.KeyTag.ValueString()
	current, err := client.GetACL(ctx, tag)
	if err != nil {
		resp.Diagnostics.AddError(summaryKeyACLUpdateFailed, aclStepFailedDetail(keyRef{Tag: tag}, "reading the ACL", nil, false, err))
		return
	}
	reached, stepErr := convergeACL(ctx, client, tag, current, plan.Enabled.ValueBool(), want)
	if stepErr != nil {
		resp.Diagnostics.AddError(summaryKeyACLUpdateFailed,
			aclStepFailedDetail(keyRef{Tag: tag}, stepErr.step, reached.done, false, stepErr.cause))
		return
	}
	saveWithIdentity(ctx, aclState(ctx, tag, reached.enabled, reached.ips), types.StringValue(tag), &resp.State, resp.Identity, &resp.Diagnostics)
}

// Read refreshes the ACL with one read. Addresses and the switch changed outside Terraform show in
// the next plan as an update. An ACL whose key is gone leaves the state with a warning.
func (r *keyACLResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state keyACLModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	if r.data == nil { // without a configured provider keep the state as it is
		keepStateUnread(ctx, resp, state.KeyTag)
		return
	}
	tag := state.KeyTag.ValueString()
	acl, err := r.data.client.GetACL(ctx, tag)
	if kmsapi.IsNotFound(err) {
		resp.Diagnostics.AddWarning(summaryKeyACLKeyGone, aclKeyGoneDetail(tag))
		removeFromState(ctx, resp, tag)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(summaryKeyACLReadFailed,
			fmt.Sprintf("The IP ACL of the key with key tag %s could not be read. %s", tag, apiErrorTail(err)))
		return
	}
	saveWithIdentity(ctx, aclState(ctx, tag, acl.Enabled, acl.AllowedIPs), types.StringValue(tag), &resp.State, resp.Identity, &resp.Diagnostics)
}

// Update reads the ACL again (the list is whole: addresses added since the plan are removed too)
// and makes the calls that bring it to the plan. A failure records what was reached.
func (r *keyACLResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state keyACLModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	want := plannedACL(ctx, plan, &resp.Diagnostics)
	client := r.requireClient(&resp.Diagnostics)
	if client == nil || resp.Diagnostics.HasError() {
		return
	}
	tag := state.KeyTag.ValueString()
	current, err := client.GetACL(ctx, tag)
	if err != nil {
		resp.Diagnostics.AddError(summaryKeyACLUpdateFailed, aclStepFailedDetail(keyRef{Tag: tag}, "reading the ACL", nil, false, err))
		return
	}
	reached, stepErr := convergeACL(ctx, client, tag, current, plan.Enabled.ValueBool(), want)
	saveWithIdentity(ctx, aclState(ctx, tag, reached.enabled, reached.ips), types.StringValue(tag), &resp.State, resp.Identity, &resp.Diagnostics)
	if stepErr != nil {
		resp.Diagnostics.AddError(summaryKeyACLUpdateFailed,
			aclStepFailedDetail(keyRef{Tag: tag}, stepErr.step, reached.done, true, stepErr.cause))
	}
}

// Delete gives the ACL back as a new key has it: first off, so that no moment denies every
// address, then without addresses. A key that is gone has no ACL left to remove.
func (r *keyACLResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state keyACLModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	listed := plannedACL(ctx, state, &resp.Diagnostics)
	client := r.requireClient(&resp.Diagnostics)
	if client == nil || resp.Diagnostics.HasError() {
		return
	}
	tag := state.KeyTag.ValueString()
	fail := func(step string, done []string, err error) {
		resp.Diagnostics.AddError(summaryKeyACLRemovalFailed, aclStepFailedDetail(keyRef{Tag: tag}, step, done, true, err))
	}
	err := client.DisableACL(ctx, tag)
	switch {
	case kmsapi.IsNotFound(err):
		return
	case err != nil:
		fail("turning the ACL off", nil, err)
		return
	}
	// The framework keeps the state when Delete fails: record that the ACL is off.
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("enabled"), types.BoolValue(false))...)
	done := []string{"the ACL was turned off"}
	// The answer of a removal lists what is left: addresses added since the last refresh go in a second call.
	for round := 0; round < 2 && len(listed) > 0; round++ {
		remaining, err := client.RemoveAllowedIPs(ctx, tag, listed)
		switch {
		case kmsapi.IsNotFound(err):
			return
		case err != nil:
			fail("removing "+strings.Join(listed, ", "), done, err)
			return
		}
		done = append(done, strings.Join(listed, ", ")+" removed")
		listed = remaining
	}
}

// ImportState takes the ACL of the key tagged with the import ID (or the identity's key tag).
func (r *keyACLResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importKeyTag(ctx, req, resp, keyACLTypeName)
}
