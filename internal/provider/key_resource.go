package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// The ncloudkms_key resource: its schema and its calls. The plan logic is in key_resource_plan.go,
// the model and its API mapping in key_model.go, the diagnostic texts in key_diagnostics.go.

var (
	_ resource.Resource                   = (*keyResource)(nil)
	_ resource.ResourceWithConfigure      = (*keyResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*keyResource)(nil)
	_ resource.ResourceWithImportState    = (*keyResource)(nil)
	_ resource.ResourceWithValidateConfig = (*keyResource)(nil)
	_ resource.ResourceWithIdentity       = (*keyResource)(nil)
)

// keyResourceTypeName is the resource's type name in configurations.
const keyResourceTypeName = "ncloudkms_key"

// newKeyResource is registered by the provider.
func newKeyResource() resource.Resource {
	return &keyResource{}
}

// keyResource manages one NCloud KMS key.
type keyResource struct {
	keyScopedResource
}

func (r *keyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_key"
}

// What destroy does with a key (DESIGN.md §5); one list feeds the validator and the description.
const (
	deletionPolicyDelete   = "DELETE"
	deletionPolicySchedule = "SCHEDULE"
	deletionPolicyAbandon  = "ABANDON"
)

var deletionPolicies = []string{deletionPolicyDelete, deletionPolicySchedule, deletionPolicyAbandon}

// Defaults shared by the schema, Read (after import) and ImportState.
const (
	defaultProtectionType     = "BASIC"
	defaultDeletionPolicy     = deletionPolicyDelete
	defaultDeletionProtection = false
	defaultRestoreIfPending   = false
	convergentKeyType         = "AES256"
	maxMemoLength             = 100
	minRotationPeriodDays     = 1
	maxRotationPeriodDays     = 730
)

// Default time limits of the timeouts block. Each call retries for about two minutes at most.
const (
	defaultCreateTimeout = 10 * time.Minute
	defaultReadTimeout   = 5 * time.Minute
	defaultUpdateTimeout = 10 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
)

func (r *keyResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An NCloud KMS key. Destroying it follows `deletion_policy`; " +
			"see the deletion guide before you destroy a key that has encrypted data.",
		Attributes: map[string]schema.Attribute{
			"id": keyScopedIDAttribute(""),
			"key_tag": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The key's unique identifier; stable across renames.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: fmt.Sprintf("Key name: %d–%d characters, the first a letter, then letters, digits, `-` or `_`. "+
					"Unique in the keystore (case-insensitive). Renamed in place.", minKeyNameLength, maxKeyNameLength),
				Validators: []validator.String{keyNameValidator{}},
			},
			"type": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Key type: " + markdownValueList(kmsapi.KeyTypes) + ". Changing it replaces the key.",
				Validators:          []validator.String{stringvalidator.OneOf(kmsapi.KeyTypes...)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"protection_type": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(defaultProtectionType),
				MarkdownDescription: "Where the key is stored: " + markdownValueList(kmsapi.ProtectionTypes) +
					". Defaults to `" + defaultProtectionType + "`. Changing it replaces the key.",
				Validators:    []validator.String{stringvalidator.OneOf(kmsapi.ProtectionTypes...)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"memo": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(""),
				MarkdownDescription: fmt.Sprintf("Free text, at most %d characters. Changed in place.", maxMemoLength),
				Validators:          []validator.String{stringvalidator.UTF8LengthAtMost(maxMemoLength)},
			},
			"convergent": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Convergent encryption (the same context and plaintext always give the same ciphertext). " +
					"Only with `type = \"" + convergentKeyType + "\"`. Defaults to `false`. Changing it replaces the key.",
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"rotation_period_days": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("Automatic rotation period in days (%d–%d). Set turns automatic rotation on; "+
					"unset turns it off. Turning it on or changing the period needs an enabled key.",
					minRotationPeriodDays, maxRotationPeriodDays),
				Validators: []validator.Int64{int64validator.Between(minRotationPeriodDays, maxRotationPeriodDays)},
			},
			"enabled": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
				MarkdownDescription: "Whether the key is usable (`ENABLE`) or not (`DISABLE`). Defaults to `true`.",
			},
			// No static Default: the plan fills deletion_policy and deletion_protection from the
			// provider's defaults (deletion_defaults.go).
			"deletion_policy": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "What destroy (and replacement) does: " + markdownValueList(deletionPolicies) + ". " +
					"`DELETE` requests deletion and then deletes the key at once, irreversibly; " +
					"`SCHEDULE` requests deletion only, and NCloud deletes the key 72 hours later unless it is restored; " +
					"`ABANDON` only removes the key from the state. " +
					ownDeletionDefaultDescription(defaultDeletionPolicyAttribute, defaultDeletionPolicy),
				Validators: []validator.String{stringvalidator.OneOf(deletionPolicies...)},
			},
			"deletion_protection": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "When `true`, destroy and replacement fail at plan time. " +
					ownDeletionDefaultDescription(defaultDeletionProtectionAttribute, "false"),
			},
			"refuse_deletion_if_used_within": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "A Go duration such as `720h`: a plan that would delete or schedule the deletion of the key " +
					"fails with `Key was used recently` when an application or a person (an `API` or `CONSOLE` use, not an " +
					"automatic rotation) used the key within that time, and also when its last use cannot be read. Unset " +
					"turns the guard off. Read from the state for a destroy, like `deletion_protection`; kept in the Terraform state only.",
				Validators: []validator.String{settingValidator{
					description: "must be a positive Go duration such as \"720h\"",
					summary:     "Invalid refuse_deletion_if_used_within",
					problem: func(text string) string {
						if _, ok := parseGuardWindow(text); !ok {
							return "not a positive Go duration such as \"720h\" or \"30m\""
						}
						return ""
					},
				}},
			},
			"rotation_triggers": schema.MapAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Arbitrary values: any change of them rotates the key once, in place (a new version " +
					"becomes current; older versions still decrypt what they encrypted). Setting it for the first time, on " +
					"create or after an import, records the values without rotating. Rotation needs an enabled key.",
			},
			"disabled_versions": schema.SetAttribute{
				Optional:    true,
				ElementType: types.Int64Type,
				MarkdownDescription: "The versions to keep disabled; every other version is enabled. Data encrypted under a " +
					"disabled version cannot be decrypted until the version is enabled again. The current version cannot be " +
					"disabled, and versions change only while the key is enabled. Unset leaves version states to others " +
					"(and saves the refresh a call).",
			},
			"restore_if_pending": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(defaultRestoreIfPending),
				MarkdownDescription: "On create, adopt a key of the same name that is pending deletion: cancel its deletion " +
					"and bring it to this configuration instead of failing. Defaults to `false`. Kept in the Terraform state only.",
			},
			"status": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: markdownValueList(kmsapi.KeyStatuses) + " (`" + kmsapi.StatusRevoke +
					"` means pending deletion). Planned from `enabled`.",
			},
			"current_version": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "The newest key version.",
			},
			"nrn": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The NCloud resource name of the key.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"created_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Creation time (RFC 3339, UTC).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"next_rotation_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Next automatic rotation (RFC 3339, UTC); null while automatic rotation is off.",
			},
			"deletion_scheduled_for": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When NCloud will delete the key (RFC 3339, UTC); set only while the key is pending deletion (`REVOKE`).",
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

// ValidateConfig checks rules that span attributes; each error points at the attribute to change.
func (r *keyResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	// The two attributes it checks, not the whole model: Terraform validates every key of a
	// configuration in each plan and apply.
	var convergent types.Bool
	var keyType types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("convergent"), &convergent)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("type"), &keyType)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if convergent.IsUnknown() || keyType.IsUnknown() || keyType.IsNull() || !convergent.ValueBool() {
		return
	}
	if keyType.ValueString() != convergentKeyType {
		resp.Diagnostics.AddAttributeError(path.Root("convergent"), "Convergent encryption needs an AES256 key",
			fmt.Sprintf("convergent = true is only allowed with type = %q; this key has type = %q. "+
				"Remove convergent or set it to false.", convergentKeyType, keyType.ValueString()))
	}
}

// Create makes a new key (POST, then one GET for the values only Get Key Info reports), or, with
// restore_if_pending, adopts a same-named key that is pending deletion.
func (r *keyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan keyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	client := r.requireClient(&resp.Diagnostics)
	if client == nil {
		return
	}
	// The plan's removal record (key_removal.go) says nothing about the new key.
	resp.Diagnostics.Append(keyRemovalRecord.Clear(ctx, resp.Private)...)

	// A stop (Ctrl-C) must not cut a create short once it has begun: a key the server made must reach
	// the state whole, neither orphaned nor saved tainted. The calls end their own way, within a grace period.
	if err := ctx.Err(); err != nil {
		resp.Diagnostics.AddError("Key creation failed",
			fmt.Sprintf("Key %q was not created: Terraform stopped the operation before it began (%v).", plan.Name.ValueString(), err))
		return
	}
	ctx, finish := finishDespiteStop(ctx, stopGracePeriod)
	defer finish()

	if held := r.replacedKeyHoldingName(ctx, client, plan); held != nil {
		resp.Diagnostics.AddError(summaryReplacedKeyHoldsName, replacedKeyHoldsNameDetail(keyRefOf(*held)))
		return
	}
	if plan.RestoreIfPending.ValueBool() {
		existing, err := client.FindKeyByName(ctx, plan.Name.ValueString())
		if err != nil {
			resp.Diagnostics.AddError("Key lookup failed",
				fmt.Sprintf("Terraform could not look for a key named %q pending deletion (restore_if_pending = true), so nothing was created. %s",
					plan.Name.ValueString(), apiErrorTail(err)))
			return
		}
		if existing != nil && existing.Status == kmsapi.StatusRevoke {
			r.adoptPendingKey(ctx, client, existing, plan, resp)
			return
		}
	}

	created, err := client.CreateKey(ctx, createKeyInput(plan))
	if err != nil {
		resp.Diagnostics.AddError("Key creation failed",
			fmt.Sprintf("Key %q could not be created. %s", plan.Name.ValueString(), apiErrorTail(err)))
		return
	}
	state := stateAfterCreate(plan, created)
	key := keyRef{Name: state.Name.ValueString(), Tag: state.KeyTag.ValueString()}

	if !plan.Enabled.ValueBool() {
		change, err := client.DisableKey(ctx, state.KeyTag.ValueString())
		if err != nil {
			saveStateAfterFailure(ctx, state, &resp.State, resp.Identity, &resp.Diagnostics, "Key disable failed",
				fmt.Sprintf("Key %s was created but could not be disabled. %s", key, savedTaintedNote), err)
			return
		}
		state.setStatus(statusOr(change.Status, kmsapi.StatusDisable))
	}

	read, err := client.GetKey(ctx, key.Tag)
	if err != nil {
		saveStateAfterFailure(ctx, state, &resp.State, resp.Identity, &resp.Diagnostics, "Key read after create failed",
			fmt.Sprintf("Key %s was created but could not be read back. %s", key, savedTaintedNote), err)
		return
	}
	state.setFromKey(read)
	saveKeyState(ctx, state, &resp.State, resp.Identity, &resp.Diagnostics)
}

// What happens to a key whose create stopped part-way: Terraform keeps it in the state, tainted.
// The next plan replaces it and says what its deletion_policy does to it.
const (
	savedTaintedNote = "The key is saved in the Terraform state and marked tainted. The next plan replaces it: it " +
		"removes this key under its deletion_policy (DELETE deletes it for ever, SCHEDULE leaves it pending deletion " +
		"for 72 hours, ABANDON leaves it in NCloud KMS outside Terraform) and creates a new one, and says so in its " +
		"diagnostics. To keep this key instead, run terraform untaint on this resource: the next apply then finishes " +
		"configuring it."
	adoptedTaintedNote = "The key is saved in the Terraform state and marked tainted. A tainted key is replaced by the next " +
		"apply, which removes it under its deletion_policy: to keep the restored key, run terraform untaint on this resource " +
		"before applying again; the apply then finishes configuring it."
)

// adoptPendingKey cancels the deletion of a same-named key and brings it to the configuration.
// Calls: cancel-deletion, enable (when enabled = true), one GET, then only the changes still needed.
func (r *keyResource) adoptPendingKey(ctx context.Context, client *kmsapi.Client, pending *kmsapi.Key, plan keyResourceModel, resp *resource.CreateResponse) {
	// Backstop of the plan-time check, for a key that went pending deletion after the plan.
	if mismatch := adoptionMismatch(pending, plan); mismatch != "" {
		resp.Diagnostics.AddAttributeError(path.Root("restore_if_pending"), summaryPendingKeyCannotBeAdopted,
			cannotAdoptDetail(*pending, mismatch))
		return
	}

	tag, key := pending.KeyTag, keyRefOf(*pending)
	change, err := client.CancelDeletion(ctx, tag)
	if err != nil {
		resp.Diagnostics.AddError("Key restore failed",
			fmt.Sprintf("The deletion of key %s could not be cancelled; the key is unchanged and nothing was created. %s",
				key, apiErrorTail(err)))
		return
	}
	// From here on the key is no longer pending deletion: it belongs to this resource, even if a later step fails.
	state := plan
	state.ID, state.KeyTag = types.StringValue(tag), types.StringValue(tag)
	state.Name = types.StringValue(pending.KeyName)
	state.Type = types.StringValue(pending.KeyType)
	state.ProtectionType = types.StringValue(pending.ProtectionType)
	state.Convergent = types.BoolValue(pending.IsConvergent)
	state.NRN, state.CurrentVersion, state.NextRotationAt = types.StringNull(), types.Int64Null(), types.StringNull()
	state.CreatedAt = timestampOrNull(pending.RegisterDate)
	state.setStatus(statusOr(change.Status, kmsapi.StatusDisable))

	if plan.Enabled.ValueBool() {
		change, err := client.EnableKey(ctx, tag)
		if err != nil {
			saveStateAfterFailure(ctx, state, &resp.State, resp.Identity, &resp.Diagnostics, "Key enable failed",
				fmt.Sprintf("The deletion of key %s was cancelled, but the key could not be enabled. %s", key, adoptedTaintedNote), err)
			return
		}
		state.setStatus(statusOr(change.Status, kmsapi.StatusEnable))
	}

	read, err := client.GetKey(ctx, tag)
	if err != nil {
		saveStateAfterFailure(ctx, state, &resp.State, resp.Identity, &resp.Diagnostics, "Key read failed",
			fmt.Sprintf("The deletion of key %s was cancelled, but the key could not be read. %s", key, adoptedTaintedNote), err)
		return
	}
	state.setFromKey(read)
	state.copyStateOnlyAttributes(plan)

	if err := convergeKey(ctx, client, &state, plan, false); err != nil {
		saveStateAfterFailure(ctx, state, &resp.State, resp.Identity, &resp.Diagnostics, err.summary,
			fmt.Sprintf("The deletion of key %s was cancelled, but %s. %s", key, err.step, adoptedTaintedNote), err.cause)
		return
	}
	saveKeyState(ctx, state, &resp.State, resp.Identity, &resp.Diagnostics)
}

// saveStateAfterFailure records the key as far as it got, then reports the failed step. Saving
// first keeps a half-finished key in the state (Terraform marks a failed create tainted), so it is
// never orphaned.
func saveStateAfterFailure(ctx context.Context, state keyResourceModel, target *tfsdk.State, identity *tfsdk.ResourceIdentity,
	diags *diag.Diagnostics, summary, what string, err error) {
	saveKeyState(ctx, state, target, identity, diags)
	diags.AddError(summary, what+" "+apiErrorTail(err))
}

// withTimeout limits ctx to an operation's time limit from the timeouts block, or fallback. An
// expired limit ends the calls as a stop does: Create and Delete finish theirs within the grace
// period (stop_grace.go), so that state and API agree.
func withTimeout(ctx context.Context, limit func(context.Context, time.Duration) (time.Duration, diag.Diagnostics),
	fallback time.Duration, diags *diag.Diagnostics) (context.Context, context.CancelFunc) {
	timeout, d := limit(ctx, fallback)
	diags.Append(d...)
	return context.WithTimeout(ctx, timeout)
}

// saveKeyState records the key in the state, and its identity where the CLI supports resource identity.
func saveKeyState(ctx context.Context, state keyResourceModel, target *tfsdk.State, identity *tfsdk.ResourceIdentity,
	diags *diag.Diagnostics) {
	saveWithIdentity(ctx, &state, state.KeyTag, target, identity, diags)
}

// Read refreshes the key with one GET. A key pending deletion stays in the state as REVOKE so the
// plan can show the update that cancels the deletion; a key that is gone leaves the state.
func (r *keyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state keyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	// Without a configured provider (unknown provider settings) keep the state as it is.
	if r.data == nil {
		keepStateUnread(ctx, resp, state.KeyTag)
		return
	}

	tag := state.ID.ValueString()
	if tag == "" {
		tag = state.KeyTag.ValueString()
	}
	key, err := r.data.client.GetKey(ctx, tag)
	if kmsapi.IsNotFound(err) {
		resp.Diagnostics.AddWarning(summaryKeyDeletedOutside,
			fmt.Sprintf("Key %s no longer exists in NCloud KMS, so it was removed from the Terraform state. "+
				"The next apply creates a new key with a new tag; data encrypted under the old key cannot be decrypted with it.",
				keyRef{Name: state.Name.ValueString(), Tag: tag}))
		removeFromState(ctx, resp, tag)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Key read failed", fmt.Sprintf("Key %s could not be read. %s",
			keyRef{Name: state.Name.ValueString(), Tag: tag}, apiErrorTail(err)))
		return
	}

	if !state.DisabledVersions.IsNull() { // only keys that manage their versions read them
		listed, err := r.data.client.ListVersions(ctx, tag)
		if err != nil {
			resp.Diagnostics.AddError("Key versions read failed", fmt.Sprintf("The versions of key %s could not be read. %s",
				keyRef{Name: key.KeyName, Tag: tag}, apiErrorTail(err)))
			return
		}
		state.DisabledVersions = disabledVersionsOf(listed)
	}
	state.setFromKey(key)
	state.defaultStateOnlyAttributes(r.data.deletionDefaults)
	// Refresh runs before the plan in the same provider process: a tainted key's replacement
	// then knows the key as it is now (key_removal.go).
	r.data.stateKeys.Observe(removalRecordOf(state))
	saveKeyState(ctx, state, &resp.State, resp.Identity, &resp.Diagnostics)
}

// Update brings the key to the plan with the fewest calls and no GET: the new state is built
// from the call answers and the plan. Changing only state-only attributes makes no call.
func (r *keyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state keyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	state.copyStateOnlyAttributes(plan)
	if plan.DisabledVersions.IsNull() {
		// Unset: Terraform stops managing version states and leaves them as they are, with no call.
		state.DisabledVersions = plan.DisabledVersions
	}
	rotate := rotationTriggered(state.RotationTriggers, plan.RotationTriggers)
	state.RotationTriggers = plan.RotationTriggers

	if rotate || keyNeedsCalls(state, plan) {
		client := r.requireClient(&resp.Diagnostics)
		if client == nil {
			return
		}
		if err := convergeKey(ctx, client, &state, plan, rotate); err != nil {
			saveStateAfterFailure(ctx, state, &resp.State, resp.Identity, &resp.Diagnostics, err.summary,
				fmt.Sprintf("Updating key %s stopped part-way: %s. The state records the changes made so far; apply again to finish.",
					keyRef{Name: state.Name.ValueString(), Tag: state.KeyTag.ValueString()}, err.step), err.cause)
			return
		}
	}
	// The plan's removal record (key_removal.go) is for plans only, not for the state.
	resp.Diagnostics.Append(keyRemovalRecord.Clear(ctx, resp.Private)...)
	saveKeyState(ctx, state, &resp.State, resp.Identity, &resp.Diagnostics)
}

// Delete follows the deletion_policy recorded in state (DESIGN.md §5): DELETE requests deletion
// unless the key is already REVOKE and then deletes it; SCHEDULE only requests deletion;
// ABANDON makes no call. A key that is already gone counts as deleted. The normal path makes
// no read: the refreshed state already says whether the key is REVOKE.
func (r *keyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state keyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	key := keyRef{Name: state.Name.ValueString(), Tag: state.KeyTag.ValueString()}
	if !removalMayProceed(ctx, req.Private, state, &resp.Diagnostics) {
		return
	}
	defer func() {
		if !resp.Diagnostics.HasError() {
			r.stateKeys().Forget(key.Tag) // the key left the state: a create of its name replaces nothing
		}
	}()
	policy := deletionPolicyOf(state.DeletionPolicy)
	if policy == deletionPolicyAbandon {
		return
	}
	client := r.requireClient(&resp.Diagnostics)
	if client == nil {
		return
	}
	if !r.guardStillAllows(ctx, state, &resp.Diagnostics) {
		return
	}

	// A stop (Ctrl-C) does not cut a deletion short once it has begun: cancelling the final DELETE
	// after the server carried it out would leave in the state a key that is gone.
	if err := ctx.Err(); err != nil {
		resp.Diagnostics.AddError(summaryKeyDeletionRequestFailed, deletionRequestFailedDetail(key, err))
		return
	}
	ctx, finish := finishDespiteStop(ctx, stopGracePeriod)
	defer finish()

	destroyAt := state.DeletionScheduledFor.ValueString()
	requestedNow := false
	if state.Status.ValueString() != kmsapi.StatusRevoke {
		change, err := client.RequestDeletion(ctx, key.Tag)
		switch {
		case err == nil:
			requestedNow = true
			destroyAt = formatTime(requestTime(change, r.data.now()).Add(deletionDelay))
		case kmsapi.IsNotFound(err):
			return
		case kmsapi.IsInvalidStatus(err):
			// Someone requested the deletion since the refresh: read once to know.
			current, getErr := client.GetKey(ctx, key.Tag)
			switch {
			case kmsapi.IsNotFound(getErr):
				return
			case getErr != nil:
				resp.Diagnostics.AddError(summaryKeyDeletionRequestFailed, deletionRequestFailedDetail(key, getErr))
				return
			case current.Status != kmsapi.StatusRevoke:
				resp.Diagnostics.AddError(summaryKeyDeletionRequestFailed, deletionRefusedDetail(key, current.Status, err))
				return
			}
			destroyAt = formatMillis(current.DestroyDate)
		default:
			resp.Diagnostics.AddError(summaryKeyDeletionRequestFailed, deletionRequestFailedDetail(key, err))
			return
		}
	}
	if policy == deletionPolicySchedule {
		return
	}
	if destroyAt == "" {
		destroyAt = unknownDate
	}

	err := client.DeleteKey(ctx, key.Tag)
	switch {
	case err == nil, kmsapi.IsNotFound(err):
		return
	case kmsapi.IsInvalidStatus(err):
		resp.Diagnostics.AddError(summaryKeyFinalDeleteRefused, finalDeleteRefusedDetail(key, err))
		return
	}
	resp.Diagnostics.AddError(summaryFinalDeleteFailed(destroyAt), finalDeleteFailedDetail(key, requestedNow, destroyAt, err))
	// The framework keeps resp.State when Delete fails: record that the key is now pending
	// deletion, so that the next destroy makes only the final delete call.
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("status"), types.StringValue(kmsapi.StatusRevoke))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("enabled"), types.BoolValue(false))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("deletion_scheduled_for"), types.StringValue(destroyAt))...)
}

// requestTime is when NCloud took the deletion request (its clock decides the deletion date), or
// now when the answer does not say.
func requestTime(change *kmsapi.StatusChange, now time.Time) time.Time {
	if change == nil || change.StatusDate == 0 {
		return now
	}
	return kmsapi.MillisToTime(change.StatusDate)
}

// importByNamePrefix introduces an import ID that names the key instead of giving its tag.
const importByNamePrefix = "name/"

var keyTagPattern = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)

// ImportState accepts a key tag (64 hexadecimal characters, any case) or name/<keyName>. A key
// pending deletion can be imported. State-only attributes start at their defaults, the provider's
// where it sets them: a configuration that leaves them out then plans no change.
func (r *keyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, ok := importID(ctx, req, resp)
	if !ok {
		return
	}
	tag := ""
	switch {
	case keyTagPattern.MatchString(id):
		tag = strings.ToLower(id)
	case strings.HasPrefix(id, importByNamePrefix):
		tag = r.importTagByName(ctx, strings.TrimPrefix(id, importByNamePrefix), resp)
		if tag == "" {
			return
		}
	default:
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Import ID %q is neither a key tag nor a key name. Use the key tag (64 hexadecimal characters), "+
				"for example terraform import ncloudkms_key.example 0123...cdef, or %s<keyName>, for example %smy-key.",
				id, importByNamePrefix, importByNamePrefix))
		return
	}

	defaults := r.knownDeletionDefaults()
	for attribute, value := range map[string]any{
		"id":                  tag,
		"key_tag":             tag,
		"deletion_policy":     defaults.Policy,
		"deletion_protection": defaults.Protection,
		"restore_if_pending":  defaultRestoreIfPending,
	} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attribute), value)...)
	}
}

// importTagByName looks the key up by name (case-insensitive, as NCloud compares names).
func (r *keyResource) importTagByName(ctx context.Context, name string, resp *resource.ImportStateResponse) string {
	if problem := keyNameProblem(name); problem != "" {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("Import ID %q: %s", importByNamePrefix+name, problem))
		return ""
	}
	client := r.requireClient(&resp.Diagnostics)
	if client == nil {
		return ""
	}
	key, err := client.FindKeyByName(ctx, name)
	if err != nil {
		resp.Diagnostics.AddError("Key lookup failed", fmt.Sprintf("Terraform could not look up the key named %q. %s", name, apiErrorTail(err)))
		return ""
	}
	if key == nil {
		resp.Diagnostics.AddError("Key not found", fmt.Sprintf("No key named %q exists in NCloud KMS (names are compared "+
			"case-insensitively; keys pending deletion included). Check the name, or import by key tag.", name))
		return ""
	}
	return key.KeyTag
}
