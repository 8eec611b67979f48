package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// What the actions share (DESIGN.md §6b): they find a key by tag or by name, twice. ModifyPlan
// (plan -invoke, or a planned action_trigger) checks it with reads only and refuses what cannot
// work; Invoke reads it again, since Terraform does not plan an action again at apply time and a
// key tag unknown at plan time (a key created in the same apply) is first known there.

// Summaries of the actions' errors; like the key's, they never change.
const (
	summaryKeyNotPendingDeletion         = "Key not pending deletion"
	summaryKeyRotationFailed             = "Key rotation failed"
	summaryKeyDeletionCancellationFailed = "Key deletion cancellation failed"
	summaryKeyEnableFailed               = "Key enable failed"
)

// keyAction is what every action embeds: the provider's data, which Configure sets (nil until the
// provider is configured, when an action checks nothing at plan time).
type keyAction struct {
	data *providerData
}

func (a *keyAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// actionKeyLookup finds the key an action acts on and reports, at plan time or when the action
// runs, why it cannot.
type actionKeyLookup struct {
	client *kmsapi.Client
	// atPlan: a read that fails for another reason than a missing key or refused credentials only
	// skips the plan-time check, with a warning; the action checks again when it runs.
	atPlan bool
	// use words the plan-time read ("to check that it can be rotated").
	use keyUse
	// failure is the summary of an error when the action runs.
	failure string
}

// byTag reads the key tagged tag, or adds why it cannot and returns nil.
func (l actionKeyLookup) byTag(ctx context.Context, diags *diag.Diagnostics, tag string) *kmsapi.Key {
	if l.atPlan {
		return readKeyToCheck(ctx, l.client, diags, tag, l.use)
	}
	key, err := l.client.GetKey(ctx, tag)
	switch {
	case kmsapi.IsNotFound(err):
		diags.AddAttributeError(path.Root("key_tag"), summaryKeyNotFound,
			keyNotFoundDetail("Nothing was changed", tag, err))
		return nil
	case err != nil:
		diags.AddError(l.failure, fmt.Sprintf("The key tagged %s could not be read, so nothing was changed. %s",
			tag, apiErrorTail(err)))
		return nil
	}
	return key
}

// byName finds the key of that name (compared case-insensitively, keys pending deletion included)
// in the key list, whose entries carry the name, tag, status and deletion date that the actions use.
func (l actionKeyLookup) byName(ctx context.Context, diags *diag.Diagnostics, name string) *kmsapi.Key {
	key, err := l.client.FindKeyByName(ctx, name)
	switch {
	case err != nil && l.atPlan:
		diags.AddWarning(summaryKeyCheckFailed, fmt.Sprintf("Terraform could not list the keys to find the key named "+
			"%q and check that it can %s, so the plan goes ahead without that check; if it cannot, the apply fails. %s",
			name, l.use.doing, apiErrorTail(err)))
		return nil
	case err != nil:
		diags.AddError(l.failure, fmt.Sprintf("Terraform could not list the keys to find the key named %q, so nothing "+
			"was changed. %s", name, apiErrorTail(err)))
		return nil
	case key == nil:
		diags.AddAttributeError(path.Root("name"), summaryKeyNotFound, fmt.Sprintf("No KMS key is named %q (names are "+
			"compared case-insensitively; keys pending deletion are included), so nothing can %s. Check the name and the "+
			"provider's site and key_boundary: each host holds its own keys.", name, l.use.doing))
		return nil
	}
	return key
}
