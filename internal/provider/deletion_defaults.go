package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The provider's deletion defaults (DESIGN.md §5 "Where a key's deletion settings come from"):
// default_deletion_policy and default_deletion_protection fill deletion_policy and
// deletion_protection of every ncloudkms_key, and deletion_protection of every
// ncloudkms_key_token_generator, that does not set its own.
//
// Destroy reads those settings from the state, so the effective value must be in the state, not
// worked out at destroy time. A static schema Default cannot know the provider's configuration,
// so the attributes have none, and the plan fills them: the resource's own value, else the
// provider default, else the built-in one. A new provider default is therefore an in-place
// update of every key that relies on it, which must be applied before a destroy obeys it, as
// for a change of the resource's own argument. Read never changes them: it cannot see whether
// the configuration sets its own value.

// Provider attribute names.
const (
	defaultDeletionPolicyAttribute     = "default_deletion_policy"
	defaultDeletionProtectionAttribute = "default_deletion_protection"
)

// deletionDefaults are the deletion settings a resource takes when its configuration leaves them out.
type deletionDefaults struct {
	Policy     string
	Protection bool
}

// builtInDeletionDefaults apply when the provider block sets no default.
var builtInDeletionDefaults = deletionDefaults{Policy: defaultDeletionPolicy, Protection: defaultDeletionProtection}

// deletionDefaultsOf reads the provider block's defaults; null falls back to the built-in ones.
// The caller has checked that they are known.
func deletionDefaultsOf(policy types.String, protection types.Bool) deletionDefaults {
	defaults := builtInDeletionDefaults
	if !policy.IsNull() {
		defaults.Policy = policy.ValueString()
	}
	if !protection.IsNull() {
		defaults.Protection = protection.ValueBool()
	}
	return defaults
}

// defaultDeletionPolicyProviderAttribute is the provider's default_deletion_policy; invalid values
// fail validation, before any call, with the key's own list of policies.
func defaultDeletionPolicyProviderAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "The `deletion_policy` of every `ncloudkms_key` that does not set its own: " +
			markdownValueList(deletionPolicies) + ". Defaults to `" + defaultDeletionPolicy + "`. " + deletionDefaultTakesEffect,
		Validators: []validator.String{stringvalidator.OneOf(deletionPolicies...)},
	}
}

// defaultDeletionProtectionProviderAttribute is the provider's default_deletion_protection.
func defaultDeletionProtectionProviderAttribute() schema.BoolAttribute {
	return schema.BoolAttribute{
		Optional: true,
		MarkdownDescription: "The `deletion_protection` of every `ncloudkms_key` and `ncloudkms_key_token_generator` " +
			"that does not set its own. Defaults to `false`. " + deletionDefaultTakesEffect,
	}
}

// deletionDefaultTakesEffect says when a provider default reaches the resources, for both descriptions.
const deletionDefaultTakesEffect = "A resource takes it when it is created or imported, and keeps it in its " +
	"state, which destroy reads; a change of it is planned as an in-place update of those resources (no API call), " +
	"to apply before a destroy obeys it. While the provider configuration is unknown at plan time, a new resource " +
	"takes it at apply (known after apply) and an existing one keeps its state until the next plan."

// ownDeletionDefaultDescription ends the description of a resource's own setting: where its value comes from.
func ownDeletionDefaultDescription(providerAttribute, builtIn string) string {
	return "Unset: the provider's `" + providerAttribute + "`, else `" + builtIn + "`. Kept in the Terraform state only."
}

// deletionDefaults are the provider's defaults, or nil while the provider configuration is
// unknown (the resource has no provider data).
func (r *keyScopedResource) deletionDefaults() *deletionDefaults {
	if r.data == nil {
		return nil
	}
	return &r.data.deletionDefaults
}

// knownDeletionDefaults are the provider's defaults, or the built-in ones while the provider
// configuration is unknown: for an import, which must record a value.
func (r *keyScopedResource) knownDeletionDefaults() deletionDefaults {
	if defaults := r.deletionDefaults(); defaults != nil {
		return *defaults
	}
	return builtInDeletionDefaults
}

// policy and protection are the defaults as plan values; unknown while the provider
// configuration is (d == nil).
func (d *deletionDefaults) policy() types.String {
	if d == nil {
		return types.StringUnknown()
	}
	return types.StringValue(d.Policy)
}

func (d *deletionDefaults) protection() types.Bool {
	if d == nil {
		return types.BoolUnknown()
	}
	return types.BoolValue(d.Protection)
}

// plannedWithDefault is the planned value of a state-only setting that a provider default fills:
// the configuration's own value (unknown included); else the provider's default; else, while the
// provider configuration is unknown (providerDefault unknown), the prior state's value, so that an
// existing resource does not change on a guess; else unknown: a new resource takes it at apply.
func plannedWithDefault[T attr.Value](configured, prior, providerDefault T) T {
	switch {
	case !configured.IsNull():
		return configured
	case !providerDefault.IsUnknown():
		return providerDefault
	case !prior.IsNull() && !prior.IsUnknown():
		return prior
	}
	return providerDefault
}

// keyDeletionSettings are a key's planned deletion_policy and deletion_protection.
type keyDeletionSettings struct {
	Policy     types.String
	Protection types.Bool
}

// plannedKeyDeletionSettings plans a key's deletion settings from its configuration, its prior
// state (nil for a create) and the provider's defaults.
func (r *keyResource) plannedKeyDeletionSettings(ctx context.Context, config tfsdk.Config, prior *keyResourceModel,
	diags *diag.Diagnostics) keyDeletionSettings {
	var configured keyDeletionSettings
	diags.Append(config.GetAttribute(ctx, path.Root("deletion_policy"), &configured.Policy)...)
	diags.Append(config.GetAttribute(ctx, path.Root("deletion_protection"), &configured.Protection)...)
	recorded := keyDeletionSettings{Policy: types.StringNull(), Protection: types.BoolNull()}
	if prior != nil {
		recorded = keyDeletionSettings{Policy: prior.DeletionPolicy, Protection: prior.DeletionProtection}
	}
	defaults := r.deletionDefaults()
	return keyDeletionSettings{
		Policy:     plannedWithDefault(configured.Policy, recorded.Policy, defaults.policy()),
		Protection: plannedWithDefault(configured.Protection, recorded.Protection, defaults.protection()),
	}
}

// recordedIn reports settings that the key's state holds already.
func (s keyDeletionSettings) recordedIn(state keyResourceModel) bool {
	return s.Policy.Equal(state.DeletionPolicy) && s.Protection.Equal(state.DeletionProtection)
}

func (s keyDeletionSettings) applyTo(plan *keyResourceModel) {
	plan.DeletionPolicy, plan.DeletionProtection = s.Policy, s.Protection
}

// plannedGeneratorProtection plans a token generator's deletion_protection likewise (prior is
// null for a create).
func (r *keyTokenGeneratorResource) plannedGeneratorProtection(ctx context.Context, config tfsdk.Config, prior types.Bool,
	diags *diag.Diagnostics) types.Bool {
	var configured types.Bool
	diags.Append(config.GetAttribute(ctx, path.Root("deletion_protection"), &configured)...)
	return plannedWithDefault(configured, prior, r.deletionDefaults().protection())
}
