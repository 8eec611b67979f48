package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestIPv4Validator_cases(t *testing.T) {
	tests := map[string]stringValidatorCase{
		"null":           {value: types.StringNull()},
		"unknown":        {value: types.StringUnknown()},
		"address":        {value: types.StringValue("203.0.113.7")},
		"loopback":       {value: types.StringValue("127.0.0.1")},
		"zero":           {value: types.StringValue("0.0.0.0")},
		"range":          {value: types.StringValue("10.0.0.0/24"), wantError: "no CIDR ranges"},
		"ipv6":           {value: types.StringValue("2001:db8::1"), wantError: "is an IPv6 address"},
		"mapped ipv4":    {value: types.StringValue("::ffff:10.0.0.1"), wantError: "is an IPv6 address"},
		"leading zero":   {value: types.StringValue("10.0.0.01"), wantError: "without leading zeros"},
		"out of range":   {value: types.StringValue("10.0.0.256"), wantError: "is not an IPv4 address"},
		"three parts":    {value: types.StringValue("10.0.1"), wantError: "is not an IPv4 address"},
		"host name":      {value: types.StringValue("app.example.com"), wantError: `"app.example.com" is not`},
		"space":          {value: types.StringValue(" 10.0.0.1"), wantError: "is not an IPv4 address"},
		"empty":          {value: types.StringValue(""), wantError: `"" is not an IPv4 address`},
		"zone":           {value: types.StringValue("fe80::1%eth0"), wantError: "is an IPv6 address"},
		"long is quoted": {value: types.StringValue(strings.Repeat("9", 200)), wantError: "…"},
	}
	runStringValidatorCases(t, ipv4Validator{}, "allowed_ips", tests)
}
