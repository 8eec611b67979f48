package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// importByNamePrefix introduces an import ID that names the key instead of giving its tag.
const importByNamePrefix = "name/"

var keyTagPattern = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)

// ImportState accepts a key tag (64 hexadecimal characters, any case) or name/<keyName>. A key
// pending deletion can be imported. State-only attributes start at their defaults.
func (r *keyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	tag := ""
	switch {
	case keyTagPattern.MatchString(req.ID):
		tag = strings.ToLower(req.ID)
	case strings.HasPrefix(req.ID, importByNamePrefix):
		tag = r.importTagByName(ctx, strings.TrimPrefix(req.ID, importByNamePrefix), resp)
		if tag == "" {
			return
		}
	default:
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Import ID %q is neither a key tag nor a key name. Use the key tag (64 hexadecimal characters), "+
				"for example terraform import ncloudkms_key.example 0123...cdef, or %s<keyName>, for example %smy-key.",
				req.ID, importByNamePrefix, importByNamePrefix))
		return
	}

	for attribute, value := range map[string]any{
		"id":                  tag,
		"key_tag":             tag,
		"deletion_policy":     defaultDeletionPolicy,
		"deletion_protection": defaultDeletionProtection,
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
