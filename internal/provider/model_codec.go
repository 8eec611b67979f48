package provider

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// modelCodec converts between a model struct and the Terraform value of its schema. It does what
// the framework's Get and Set do for flat models, but works out the field layout once: the
// framework re-reads the struct tags (compiling a regexp per field) and walks the schema on every
// call, and a plan of many keys makes several such calls per key.
type modelCodec[T any] struct {
	objectType tftypes.Object
	fields     []codecField
}

// codecField is one model field: where it is in the struct, and the attribute it holds.
type codecField struct {
	index     []int
	attribute string
	attrType  attr.Type
}

// newModelCodec matches T's tfsdk-tagged fields (embedded structs included) with the attribute
// types of schemaType, the framework schema's Type(). A field without an attribute, or an attribute
// without a field, is a programming error and panics, as the framework would fail every call.
func newModelCodec[T any](ctx context.Context, schemaType attr.Type) *modelCodec[T] {
	withAttributes, ok := schemaType.(attr.TypeWithAttributeTypes)
	if !ok {
		panic(fmt.Sprintf("modelCodec: schema type %T has no attributes", schemaType))
	}
	objectType, ok := schemaType.TerraformType(ctx).(tftypes.Object)
	if !ok {
		panic(fmt.Sprintf("modelCodec: schema type %T is not an object", schemaType))
	}
	attrTypes := withAttributes.AttributeTypes()
	c := &modelCodec[T]{objectType: objectType}
	for _, f := range taggedFields(reflect.TypeFor[T](), nil) {
		t, ok := attrTypes[f.attribute]
		if !ok {
			panic(fmt.Sprintf("modelCodec: field for %q has no schema attribute", f.attribute))
		}
		f.attrType = t
		c.fields = append(c.fields, f)
	}
	if len(c.fields) != len(attrTypes) {
		panic(fmt.Sprintf("modelCodec: %d fields for %d schema attributes", len(c.fields), len(attrTypes)))
	}
	return c
}

// taggedFields lists the fields with a tfsdk tag, descending into untagged embedded structs.
func taggedFields(t reflect.Type, parent []int) []codecField {
	var fields []codecField
	for i := range t.NumField() {
		sf := t.Field(i)
		index := append(append([]int(nil), parent...), i)
		name, tagged := sf.Tag.Lookup("tfsdk")
		switch {
		case !tagged && sf.Anonymous && sf.Type.Kind() == reflect.Struct:
			fields = append(fields, taggedFields(sf.Type, index)...)
		case tagged && name != "-":
			fields = append(fields, codecField{index: index, attribute: strings.TrimSpace(name)})
		}
	}
	return fields
}

// decode fills model from a known, non-null object value (a state, plan or configuration).
func (c *modelCodec[T]) decode(ctx context.Context, value tftypes.Value, model *T) diag.Diagnostics {
	var diags diag.Diagnostics
	if value.IsNull() || !value.IsKnown() {
		diags.AddError("Value conversion error", "The Terraform value is null or unknown where an object was expected. "+
			"This is a bug in the provider; please report it.")
		return diags
	}
	var attributes map[string]tftypes.Value
	if err := value.As(&attributes); err != nil {
		diags.AddError("Value conversion error", "Reading the Terraform value failed. This is a bug in the provider; "+
			"please report it.\n\n"+err.Error())
		return diags
	}
	target := reflect.ValueOf(model).Elem()
	for _, f := range c.fields {
		v, err := f.attrType.ValueFromTerraform(ctx, attributes[f.attribute])
		if err != nil {
			diags.AddError("Value conversion error", fmt.Sprintf("Reading attribute %q failed. This is a bug in the "+
				"provider; please report it.\n\n%s", f.attribute, err))
			return diags
		}
		target.FieldByIndex(f.index).Set(reflect.ValueOf(v))
	}
	return diags
}

// encode returns model as a value of the schema's object type.
func (c *modelCodec[T]) encode(ctx context.Context, model *T) (tftypes.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	source := reflect.ValueOf(model).Elem()
	attributes := make(map[string]tftypes.Value, len(c.fields))
	for _, f := range c.fields {
		field, ok := source.FieldByIndex(f.index).Interface().(attr.Value)
		if !ok {
			diags.AddError("Value conversion error", fmt.Sprintf("The field for attribute %q is not a framework value. "+
				"This is a bug in the provider; please report it.", f.attribute))
			return tftypes.Value{}, diags
		}
		v, err := field.ToTerraformValue(ctx)
		if err != nil {
			diags.AddError("Value conversion error", fmt.Sprintf("Writing attribute %q failed. This is a bug in the "+
				"provider; please report it.\n\n%s", f.attribute, err))
			return tftypes.Value{}, diags
		}
		attributes[f.attribute] = v
	}
	return tftypes.NewValue(c.objectType, attributes), diags
}
