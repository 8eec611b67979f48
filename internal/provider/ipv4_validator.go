package provider

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var _ validator.String = ipv4Validator{}

// ipv4Validator accepts what the IP ACL accepts (DESIGN.md §2.22 and §10): one IPv4
// address in dotted-quad form, such as 203.0.113.7. Ranges, IPv6 and host names are refused at
// plan time, each with its own reason, instead of by the API at apply time.
type ipv4Validator struct{}

func (ipv4Validator) Description(_ context.Context) string {
	return "must be an IPv4 address in dotted-quad form, such as 203.0.113.7"
}

func (v ipv4Validator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (ipv4Validator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := ipv4Problem(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid IPv4 address", problem)
	}
}

// ipv4Problem says why text is not an address the IP ACL takes, or "" when it is one.
func ipv4Problem(text string) string {
	addr, err := netip.ParseAddr(text)
	quoted := fmt.Sprintf("%q", truncateForMessage(text, 80))
	switch {
	case err == nil && addr.Is4():
		return ""
	case strings.Contains(text, "/"):
		return quoted + " is an address range: the key's IP ACL takes single IPv4 addresses only (no CIDR " +
			"ranges), such as 203.0.113.7. List each address."
	case err == nil:
		return quoted + " is an IPv6 address: the key's IP ACL takes IPv4 addresses only, such as 203.0.113.7."
	default:
		return quoted + " is not an IPv4 address: write four decimal numbers from 0 to 255 separated by dots, " +
			"without leading zeros or spaces, such as 203.0.113.7."
	}
}
