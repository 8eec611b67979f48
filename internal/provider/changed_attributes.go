package provider

import (
	"context"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/server"
)

// A workaround for a measured cost, in one file so that it can go in one commit (DESIGN.md §11).
// terraform-plugin-framework converts a model by reflection and compiles a regular expression for
// each of its fields every time (internal/reflect, getStructTags calls isValidFieldName, which calls
// regexp.MustCompile; the open framework issue 725), so with ncloudkms_key's 22 attributes a
// State.Set of its model costs about 14 times a SetAttribute of one attribute (100 µs against
// 7 µs). Read and ModifyPlan of ncloudkms_key decode the model with Get as usual, then write back
// only the attributes they changed: none on most reads, a handful in a plan. Remove this file, and
// write the model with Set again, when the framework compiles the expression once.

// wholeModelWrites switches the workaround off (server.WorkaroundChangedAttributes), so that
// make bench can show what it is worth.
var wholeModelWrites = !server.WorkaroundEnabled(server.WorkaroundChangedAttributes)

// keyResourceModelAttributes are the attribute fields of keyResourceModel, keyModel's included:
// each field's index and its attribute's path.
var keyResourceModelAttributes = modelAttributes(reflect.TypeFor[keyResourceModel]())

type modelAttribute struct {
	index []int
	path  path.Path
}

func modelAttributes(model reflect.Type) []modelAttribute {
	var attributes []modelAttribute
	for _, field := range reflect.VisibleFields(model) {
		if name, ok := field.Tag.Lookup("tfsdk"); ok && name != "-" {
			attributes = append(attributes, modelAttribute{index: field.Index, path: path.Root(name)})
		}
	}
	return attributes
}

// modelWriter is a plan or a state.
type modelWriter interface {
	Set(ctx context.Context, value any) diag.Diagnostics
	SetAttribute(ctx context.Context, p path.Path, value any) diag.Diagnostics
}

// writeChangedKeyAttributes leaves in target, which holds before, what target.Set(ctx, after)
// leaves: it writes the attributes of after that differ from before.
func writeChangedKeyAttributes(ctx context.Context, target modelWriter, before, after *keyResourceModel) diag.Diagnostics {
	if wholeModelWrites {
		return target.Set(ctx, after)
	}
	var diags diag.Diagnostics
	was, is := reflect.ValueOf(before).Elem(), reflect.ValueOf(after).Elem()
	for _, attribute := range keyResourceModelAttributes {
		value, isValue := is.FieldByIndex(attribute.index).Interface().(attr.Value)
		prior, wasValue := was.FieldByIndex(attribute.index).Interface().(attr.Value)
		if !isValue || !wasValue { // a field of a Go type: the framework's conversion decides
			return target.Set(ctx, after)
		}
		if !value.Equal(prior) {
			diags.Append(target.SetAttribute(ctx, attribute.path, value)...)
		}
	}
	return diags
}
