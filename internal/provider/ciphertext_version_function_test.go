package provider

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

func TestCiphertextVersionFunction_run(t *testing.T) {
	for _, c := range []struct {
		ciphertext string
		version    int64 // 0: an error on the argument
	}{
		{"ncpkms:v1:AAAA", 1},
		{"ncpkms:v42:c2VjcmV0IGJ5dGVz", 42},
		{"ncpkms:v100:AA==", 100},
		{"", 0},
		{"ncpkms:v0:AAAA", 0},
		{"ncpkms:v01:AAAA", 0},
		{"ncpkms:v-1:AAAA", 0},
		{"ncpkms:v1:", 0},
		{"ncpkms:1:AAAA", 0},
		{"vault:v1:AAAA", 0},
		{"a plain secret", 0},
	} {
		t.Run(c.ciphertext, func(t *testing.T) {
			resp := &function.RunResponse{Result: function.NewResultData(types.Int64Unknown())}
			newCiphertextVersionFunction().Run(context.Background(), function.RunRequest{
				Arguments: function.NewArgumentsData([]attr.Value{types.StringValue(c.ciphertext)}),
			}, resp)
			if c.version == 0 {
				if resp.Error == nil || resp.Error.FunctionArgument == nil || *resp.Error.FunctionArgument != 0 {
					t.Fatalf("want an error on argument 0, got %v", resp.Error)
				}
				if want := "Invalid ciphertext: The value is not an NCloud KMS ciphertext: it must have the form ncpkms:v{N}:{Base64}."; !strings.HasPrefix(resp.Error.Text, want) {
					t.Errorf("error %q, want it to start with %q", resp.Error.Text, want)
				}
				if c.ciphertext != "" && strings.Contains(resp.Error.Text, c.ciphertext) {
					t.Errorf("the error quotes the value: %q", resp.Error.Text)
				}
				return
			}
			if resp.Error != nil {
				t.Fatal(resp.Error)
			}
			if got := resp.Result.Value(); !got.Equal(types.Int64Value(c.version)) {
				t.Errorf("got %v, want %d", got, c.version)
			}
		})
	}
}

// Terraform calls the function without a provider block (it makes no API call); a malformed
// argument is an error of the call, naming the parameter.
func TestAccCiphertextVersionFunction_basic(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		TerraformVersionChecks:   cliFeatureChecks(featureProviderFunctions),
		Steps: []resource.TestStep{
			{
				Config: `
output "versions" {
  value = [for c in ["ncpkms:v1:AAAA", "ncpkms:v7:c2VjcmV0"] : provider::ncloudkms::ciphertext_version(c)]
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("versions", knownvalue.ListExact([]knownvalue.Check{
						knownvalue.Int64Exact(1), knownvalue.Int64Exact(7)})),
				},
			},
			{
				Config: `
output "version" {
  value = provider::ncloudkms::ciphertext_version("ncpkms:7:c2VjcmV0")
}
`,
				ExpectError: regexp.MustCompile(`(?s)Invalid value for "ciphertext" parameter: Invalid ciphertext: The value\s+is\s+not\s+an\s+NCloud\s+KMS\s+ciphertext`),
			},
		},
	})
}
