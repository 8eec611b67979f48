package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// The list resources of `terraform query` (Terraform 1.14+; DESIGN.md §6b): ncloudkms_key,
// ncloudkms_key_token_generator and ncloudkms_key_acl, found among the keys of the account that pass
// the filters of the ncloudkms_keys data source. Each result carries the resource identity (the key
// tag) and, with include_resource, the attributes an import followed by a refresh gives, through the
// resources' own mapping, so that `terraform query -generate-config-out` writes configuration whose
// plan imports and changes nothing else.

var (
	_ list.ListResource              = (*keyListResource)(nil)
	_ list.ListResourceWithConfigure = (*keyListResource)(nil)
)

// keyListResource lists one resource type per key of the account: the key itself, its token
// generator or its ACL.
type keyListResource struct {
	data        *providerData // nil until the provider is configured
	typeName    string        // the managed resource's type name, which its list resource shares
	description string
	// result is the listed key's result, made with the calls its type needs; ok is false when the
	// key has nothing of that type, or is gone since the key list.
	result func(ctx context.Context, client *kmsapi.Client, req list.ListRequest, key kmsapi.Key) (result list.ListResult, ok bool)
}

// The descriptions share their opening: the filters are those of the data source.
const (
	keyListFiltersSentence = "Filtered as the `ncloudkms_keys` data source filters keys (`name_regex`, `status`, `type`). "
	keyListNullSentence    = "null in the results, so that generated configuration leaves it to the provider's default: review it before the first apply."
)

// newKeyListResource is registered by the provider: the keys, from the key list pages (200 keys a
// call), plus one key read per result with include_resource.
func newKeyListResource() list.ListResource {
	return &keyListResource{typeName: keyResourceTypeName, result: keyListResult, description: "Finds the NCloud KMS keys " +
		"of the account. " + keyListFiltersSentence + "A result is named after its key, and says when the key is pending " +
		"deletion. Without `include_resource` only the key list is read; with it, each key too, ten at a time. Each state-only argument " +
		"(`deletion_policy`, `deletion_protection`, `restore_if_pending`) is " + keyListNullSentence}
}

// newKeyTokenGeneratorListResource is registered by the provider: one generator read per key that
// passes the filters.
func newKeyTokenGeneratorListResource() list.ListResource {
	return &keyListResource{typeName: keyTokenGeneratorTypeName, result: tokenGeneratorListResult, description: "Finds " +
		"the token generators of the NCloud KMS keys: one result per key that has one, named after the key. " +
		keyListFiltersSentence + "It reads the generator of each such key, ten at a time. `deletion_protection` is " + keyListNullSentence}
}

// newKeyACLListResource is registered by the provider: one ACL read per key that passes the filters.
func newKeyACLListResource() list.ListResource {
	return &keyListResource{typeName: keyACLTypeName, result: aclListResult, description: "Finds the IP ACLs in use on " +
		"the NCloud KMS keys: one result per key whose ACL is on or lists an address, named after the key. " +
		keyListFiltersSentence + "It reads the ACL of each such key, ten at a time."}
}

func (l *keyListResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = l.typeName
}

func (l *keyListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (l *keyListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{MarkdownDescription: l.description, Attributes: map[string]schema.Attribute{}}
	for name, filter := range keyFilterAttributes {
		resp.Schema.Attributes[name] = schema.StringAttribute{Optional: true, MarkdownDescription: filter.description,
			Validators: []validator.String{filter.validator}}
	}
}

// List walks the key list page by page and stops at the limit, so that it reads no page it does not need.
func (l *keyListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config keyFilterModel
	var diags diag.Diagnostics
	if !req.Config.Raw.IsNull() { // a list block without a config block filters nothing
		diags.Append(req.Config.Get(ctx, &config)...)
	}
	filter, err := config.compile()
	if err != nil { // the validator refuses a bad pattern first
		diags.AddAttributeError(path.Root("name_regex"), "Invalid regular expression", err.Error())
	}
	if l.data == nil {
		addProviderNotConfigured(&diags, "no NCloud KMS call can be made")
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	client := l.data.client
	stream.Results = func(push func(list.ListResult) bool) {
		reads := newKeyReads(ctx, req.Limit, push, func(ctx context.Context, key kmsapi.Key) (list.ListResult, bool) {
			return l.result(ctx, client, req, key)
		})
		var walked int64
		err := client.WalkKeys(ctx, func(key kmsapi.Key) bool {
			walked++
			return !filter.matches(key) || reads.add(key)
		})
		reads.finish()
		if err != nil && !reads.stopped {
			var failed list.ListResult
			failed.Diagnostics.AddError("Key listing failed", keyListingFailedDetail(walked, err))
			push(failed)
		}
	}
}

// keyListingFailedDetail says how far the listing got before err, so that a listing that fails
// part-way is not taken for a complete one.
func keyListingFailedDetail(walked int64, err error) string {
	if walked == 0 {
		return fmt.Sprintf("Terraform could not list the keys of this account. %s", apiErrorTail(err))
	}
	return fmt.Sprintf("Terraform read %d keys of this account from the key list, then could not read its next page, so "+
		"this listing is incomplete (Terraform reports no result of a list block that fails): run the query again. %s",
		walked, apiErrorTail(err))
}

// newKeyListResult is a result for key with its identity, the key tag, and a display name that
// starts with the key's name and says when the key is pending deletion; about adds what is listed.
func newKeyListResult(ctx context.Context, req list.ListRequest, key kmsapi.Key, about string) list.ListResult {
	result := req.NewListResult(ctx)
	result.DisplayName = key.KeyName
	if key.Status == kmsapi.StatusRevoke {
		result.DisplayName += fmt.Sprintf(" (pending deletion, deleted on %s)", formatMillis(key.DestroyDate))
	}
	if about != "" {
		result.DisplayName += ": " + about
	}
	result.Diagnostics.Append(result.Identity.Set(ctx, keyIdentityModel{KeyTag: types.StringValue(key.KeyTag)})...)
	return result
}

// keyListResult needs no call without include_resource: the key list says all the result shows.
func keyListResult(ctx context.Context, client *kmsapi.Client, req list.ListRequest, listed kmsapi.Key) (list.ListResult, bool) {
	if !req.IncludeResource {
		return newKeyListResult(ctx, req, listed, ""), true
	}
	key, err := client.GetKey(ctx, listed.KeyTag)
	switch {
	case kmsapi.IsNotFound(err):
		return list.ListResult{}, false
	case err != nil:
		result := newKeyListResult(ctx, req, listed, "")
		result.Diagnostics.AddError("Key read failed", fmt.Sprintf("Key %s could not be read. %s", keyRefOf(listed), apiErrorTail(err)))
		return result, true
	}
	result := newKeyListResult(ctx, req, *key, "")
	result.Diagnostics.Append(setImportedKey(ctx, result.Resource, key)...)
	return result, true
}

// tokenGeneratorListResult reads the key's generator: a key without one (or gone) has no result.
func tokenGeneratorListResult(ctx context.Context, client *kmsapi.Client, req list.ListRequest, key kmsapi.Key) (list.ListResult, bool) {
	generator, err := client.GetTokenGenerator(ctx, key.KeyTag)
	if kmsapi.IsNotFound(err) {
		return list.ListResult{}, false
	}
	result := newKeyListResult(ctx, req, key, "token generator")
	if err != nil {
		result.Diagnostics.AddError(summaryKeyTokenGeneratorReadFailed,
			fmt.Sprintf("The token generator of key %s could not be read. %s", keyRefOf(key), apiErrorTail(err)))
		return result, true
	}
	if req.IncludeResource {
		var state keyTokenGeneratorModel
		state.setFromGenerator(key.KeyTag, generator) // as Read records it
		// Null, not the default, so that generated configuration leaves deletion_protection out.
		state.DeletionProtection = types.BoolNull()
		state.RegenerateTriggers = types.MapNull(types.StringType)
		result.Diagnostics.Append(result.Resource.Set(ctx, &state)...)
	}
	return result, true
}

// aclListResult reads the key's ACL: one that is off and empty, as every new key has it, is not in use.
func aclListResult(ctx context.Context, client *kmsapi.Client, req list.ListRequest, key kmsapi.Key) (list.ListResult, bool) {
	acl, err := client.GetACL(ctx, key.KeyTag)
	if kmsapi.IsNotFound(err) {
		return list.ListResult{}, false
	}
	if err != nil {
		result := newKeyListResult(ctx, req, key, "IP ACL")
		result.Diagnostics.AddError(summaryKeyACLReadFailed,
			fmt.Sprintf("The IP ACL of key %s could not be read. %s", keyRefOf(key), apiErrorTail(err)))
		return result, true
	}
	if !acl.Enabled && len(acl.AllowedIPs) == 0 {
		return list.ListResult{}, false
	}
	switchState := "off"
	if acl.Enabled {
		switchState = "on"
	}
	result := newKeyListResult(ctx, req, key, fmt.Sprintf("IP ACL %s, %s", switchState, countOf(len(acl.AllowedIPs), "address", "addresses")))
	if req.IncludeResource {
		result.Diagnostics.Append(result.Resource.Set(ctx, aclState(ctx, key.KeyTag, acl.Enabled, acl.AllowedIPs))...) // as Read records it
	}
	return result, true
}

// countOf writes n with the singular or plural noun.
func countOf(n int, singular, plural string) string {
	if n == 1 {
		return "1 " + singular
	}
	return fmt.Sprintf("%d %s", n, plural)
}
