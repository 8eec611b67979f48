package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// The provider function ciphertext_version (Terraform 1.8+): the key version named by a
// ciphertext, read from its prefix without any call (DESIGN.md §6a).

var _ function.Function = (*ciphertextVersionFunction)(nil)

// newCiphertextVersionFunction is registered by the provider.
func newCiphertextVersionFunction() function.Function {
	return &ciphertextVersionFunction{}
}

type ciphertextVersionFunction struct{}

func (f *ciphertextVersionFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "ciphertext_version"
}

func (f *ciphertextVersionFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The key version that made a ciphertext",
		MarkdownDescription: "Returns N of an NCloud KMS ciphertext `" + kmsapi.CiphertextPrefix + "{N}:{Base64}`: the " +
			"version of the key that encrypted it, which must stay enabled for the ciphertext to decrypt. Use it to " +
			"refuse, in a check or a precondition, to disable a version that ciphertexts still use. It reads the " +
			"ciphertext only and makes no call. Also works on a signature, which has the same form. Needs Terraform 1.8 " +
			"or later.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "ciphertext",
				MarkdownDescription: "A ciphertext as NCloud KMS returns it, such as `ncloudkms_ciphertext.example.ciphertext`.",
			},
		},
		Return: function.Int64Return{},
	}
}

func (f *ciphertextVersionFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var ciphertext string
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &ciphertext))
	if resp.Error != nil {
		return
	}
	version, err := kmsapi.CiphertextVersion(ciphertext)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, summaryInvalidCiphertext+": "+invalidCiphertextDetail(err))
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, version))
}
