package main

import (
	"context"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/provider"
)

// The list resource nullkms_key, for the bench's query steps: the list schema and the identity of
// ncloudkms_key, and results that wait what the provider's listing waits at the least.

// The raw server serves the list calls: tf6server looks for them on it.
var _ tfprotov6.ListResourceServer = (*nullServer)(nil)

// keyListPageSize is the key list's page size: a page per 200 keys listed.
const keyListPageSize = 200

// keyReadWidth is how many key reads of a listing the provider makes at once (its listReadWidth).
const keyReadWidth = 10

// listKeys stands for a listing of limit keys: one key list page before every 200 keys and, with
// includeResource, one key read per key, keyReadWidth at once as the provider makes them. yield
// makes key i's result; false stops the listing.
func (s *nullServer) listKeys(ctx context.Context, limit int64, includeResource bool, yield func(i int64) bool) {
	for i := range limit {
		if i%keyListPageSize == 0 {
			s.wait(ctx, 1)
		}
		if includeResource && i%keyReadWidth == 0 {
			s.waitAtOnce(ctx, int(min(keyReadWidth, limit-i)))
		}
		if ctx.Err() != nil || !yield(i) {
			return
		}
	}
}

// listedKey is the resource of listed key i: every attribute as a created key has it.
func (s *nullServer) listedKey(i int64) tftypes.Value {
	attributes := make(map[string]tftypes.Value, len(s.objectType.AttributeTypes))
	now := time.Now()
	for name, t := range s.objectType.AttributeTypes {
		attributes[name] = madeUpValue(name, t, i, now)
	}
	attributes["name"] = tftypes.NewValue(tftypes.String, "bench-"+strconv.FormatInt(i, 10))
	return tftypes.NewValue(s.objectType, attributes)
}

func (s *nullServer) ValidateListResourceConfig(context.Context, *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	return &tfprotov6.ValidateListResourceConfigResponse{}, nil
}

// ListResource lists req.Limit keys.
func (s *nullServer) ListResource(ctx context.Context, req *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	identityType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"key_tag": tftypes.String}}
	results := func(push func(tfprotov6.ListResourceResult) bool) {
		s.listKeys(ctx, req.Limit, req.IncludeResource, func(i int64) bool {
			tag := tftypes.NewValue(tftypes.String, madeUpKeyTag(i))
			identity, err := tfprotov6.NewDynamicValue(identityType, tftypes.NewValue(identityType, map[string]tftypes.Value{"key_tag": tag}))
			result := tfprotov6.ListResourceResult{DisplayName: "bench-" + strconv.FormatInt(i, 10),
				Identity: &tfprotov6.ResourceIdentityData{IdentityData: &identity}}
			if err == nil && req.IncludeResource {
				var object tfprotov6.DynamicValue
				object, err = tfprotov6.NewDynamicValue(s.objectType, s.listedKey(i))
				result.Resource = &object
			}
			if err != nil {
				result.Diagnostics = []*tfprotov6.Diagnostic{{Severity: tfprotov6.DiagnosticSeverityError, Summary: "Null listing failed", Detail: err.Error()}}
			}
			return push(result)
		})
	}
	return &tfprotov6.ListResourceServerStream{Results: results}, nil
}

// frameworkKeyList is nullkms_key's list resource served by terraform-plugin-framework; a list
// resource has its resource's type name (frameworkKey's Metadata).
type frameworkKeyList struct {
	frameworkKey
}

func (frameworkKeyList) ListResourceConfigSchema(ctx context.Context, req list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	p, ok := provider.New("bench")().(fwprovider.ProviderWithListResources)
	if !ok {
		resp.Diagnostics.AddError("No ncloudkms_key list resource", "the provider has no list resources")
		return
	}
	keyList, err := ncloudKMSKeyType(ctx, p.ListResources)
	if err != nil {
		resp.Diagnostics.AddError("No ncloudkms_key list resource", err.Error())
		return
	}
	keyList.ListResourceConfigSchema(ctx, req, resp)
}

func (l frameworkKeyList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	stream.Results = func(push func(list.ListResult) bool) {
		l.s.listKeys(ctx, req.Limit, req.IncludeResource, func(i int64) bool {
			result := req.NewListResult(ctx)
			result.DisplayName = "bench-" + strconv.FormatInt(i, 10)
			result.Diagnostics.Append(result.Identity.SetAttribute(ctx, path.Root("key_tag"), madeUpKeyTag(i))...)
			if req.IncludeResource {
				result.Resource.Raw = l.s.listedKey(i)
			}
			return push(result)
		})
	}
}
