package provider

import (
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// The key filters of the ncloudkms_keys data source, which the list resources take too: one set of
// names, allowed values, descriptions and validators, and one matching rule.

// keyFilterAttribute is what a schema needs to declare one filter: each is an optional string.
type keyFilterAttribute struct {
	description string
	validator   validator.String
}

// keyFilterAttributes are the filters by attribute name, for the data source's schema and the
// list resources' schemas.
var keyFilterAttributes = map[string]keyFilterAttribute{
	"status": {
		description: "Only keys with this status: " + markdownValueList(kmsapi.KeyStatuses) + ".",
		validator:   stringvalidator.OneOf(kmsapi.KeyStatuses...),
	},
	"type": {
		description: "Only keys of this type: " + markdownValueList(kmsapi.KeyTypes) + ".",
		validator:   stringvalidator.OneOf(kmsapi.KeyTypes...),
	},
	"name_regex": {
		description: "Only keys whose name matches this regular expression (Go RE2 syntax, unanchored; " +
			"use `(?i)` to ignore case).",
		validator: nameRegexValidator{},
	},
}

// keyFilterModel holds the filters as a configuration gives them; null means "any".
type keyFilterModel struct {
	Status    types.String `tfsdk:"status"`
	Type      types.String `tfsdk:"type"`
	NameRegex types.String `tfsdk:"name_regex"`
}

// keyFilter is keyFilterModel ready to match keys.
type keyFilter struct {
	status, keyType string // "" matches any
	nameRegex       *regexp.Regexp
}

// compile readies the filters. The validators refuse a bad pattern first; the error is a backstop.
func (m keyFilterModel) compile() (keyFilter, error) {
	f := keyFilter{status: m.Status.ValueString(), keyType: m.Type.ValueString()}
	if !m.NameRegex.IsNull() {
		var err error
		if f.nameRegex, err = regexp.Compile(m.NameRegex.ValueString()); err != nil {
			return keyFilter{}, err
		}
	}
	return f, nil
}

// matches reports whether a key of the key list passes every filter.
func (f keyFilter) matches(key kmsapi.Key) bool {
	return (f.status == "" || key.Status == f.status) &&
		(f.keyType == "" || key.KeyType == f.keyType) &&
		(f.nameRegex == nil || f.nameRegex.MatchString(key.KeyName))
}
