package provider

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

var (
	_ provider.Provider                       = (*ncloudKMSProvider)(nil)
	_ provider.ProviderWithValidateConfig     = (*ncloudKMSProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*ncloudKMSProvider)(nil)
	_ provider.ProviderWithFunctions          = (*ncloudKMSProvider)(nil)
	_ provider.ProviderWithActions            = (*ncloudKMSProvider)(nil)
	_ provider.ProviderWithListResources      = (*ncloudKMSProvider)(nil)
)

// Options lets tests build the provider around a mock without touching the process
// environment, the real home directory or the network.
type Options struct {
	Getenv    func(string) string // default os.Getenv
	HomeDir   string              // default os.UserHomeDir(); holds .ncloud/configure
	Transport http.RoundTripper   // default: the client's own keep-alive transport
	Now       func() time.Time    // default time.Now; the clock of the plan-time dates
}

// New returns the provider factory that main serves.
func New(version string) func() provider.Provider {
	return NewWithOptions(version, Options{})
}

// NewWithOptions returns a provider factory with injected environment, home directory or transport.
func NewWithOptions(version string, opts Options) func() provider.Provider {
	return func() provider.Provider {
		p := &ncloudKMSProvider{version: version, opts: opts, stateKeys: newStateKeys(), stateGenerators: newStateGenerators()}
		// The index outlives a re-Configure, so the plan-time name check lists keys once per process.
		p.keyNames = newKeyNameIndex(func(ctx context.Context) ([]kmsapi.Key, error) {
			return p.currentClient().ListKeys(ctx)
		})
		return p
	}
}

// ncloudKMSProvider holds the one client of this provider process.
type ncloudKMSProvider struct {
	version  string
	opts     Options
	keyNames *keyNameIndex
	// stateKeys and stateGenerators, like keyNames, live as long as the provider process.
	stateKeys       *stateKeys
	stateGenerators *stateGenerators

	mu     sync.Mutex
	client *kmsapi.Client
}

// providerModel is the provider block.
type providerModel struct {
	AccessKey      types.String `tfsdk:"access_key"`
	SecretKey      types.String `tfsdk:"secret_key"`
	Site           types.String `tfsdk:"site"`
	KeyBoundary    types.String `tfsdk:"key_boundary"`
	Endpoint       types.String `tfsdk:"endpoint"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
	// The deletion settings of the resources that set none (deletion_defaults.go).
	DefaultDeletionPolicy     types.String `tfsdk:"default_deletion_policy"`
	DefaultDeletionProtection types.Bool   `tfsdk:"default_deletion_protection"`
}

func (p *ncloudKMSProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "ncloudkms"
	resp.Version = p.version
}

func (p *ncloudKMSProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages NAVER Cloud (NCloud) Key Management Service keys through the KMS API 2.0 (`/kms/v1`).",
		Attributes: map[string]schema.Attribute{
			"access_key": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "NCloud API access key. When unset: " +
					accessKeySource.places(markdownName, "`~/"+configureFileRelPath+"`") + ". Must not be empty.",
				Validators: []validator.String{credentialValidator{
					fallbacks: accessKeySource.places(plainName, "~/"+configureFileRelPath)}},
			},
			"secret_key": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "NCloud API secret key. When unset: " +
					secretKeySource.places(markdownName, "`~/"+configureFileRelPath+"`") + ". Must not be empty.",
				Validators: []validator.String{credentialValidator{
					fallbacks: secretKeySource.places(plainName, "~/"+configureFileRelPath)}},
			},
			"site": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "NCloud site: " + markdownValueList(supportedSites) + ". Defaults to the environment " +
					"variable `" + envSite + "`, then `" + sitePublic + "`. `" + siteFin + "` is refused: NCloud publishes " +
					"no KMS API 2.0 host for the financial site.",
				Validators: []validator.String{settingValidator{
					description: "must be one of " + settingChoices(supportedSites),
					summary:     "Unsupported site",
					problem:     siteProblem,
				}},
			},
			"key_boundary": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Where the keys live: " + markdownValueList(keyBoundaries) + " (hosts `" +
					publicHostByKeyBoundary[keyBoundaryGlobal] + "`, `" + publicHostByKeyBoundary[keyBoundaryKorea] + "` and `" +
					publicHostByKeyBoundary[keyBoundaryJapan] + "`). Korea and Japan are available with site `" + sitePublic +
					"` only. Defaults to the environment variable `" + envKeyBoundary + "`, then `" + keyBoundaryGlobal + "`. " +
					"Not related to the official NCloud provider's `region`.",
				Validators: []validator.String{stringvalidator.OneOf(keyBoundaries...)},
			},
			"endpoint": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Full base URL of the KMS API, such as `https://" + publicHostByKeyBoundary[keyBoundaryGlobal] +
					apiBasePath + "`; overrides `site` and `key_boundary`. Defaults to the environment variable `" + envEndpoint +
					"`. Must use `https://`, except on a loopback host (`127.0.0.0/8`, `::1`, `localhost`) such as a local mock server.",
				Validators: []validator.String{settingValidator{
					description: "must be an https:// URL, or http:// on a loopback host",
					summary:     "Invalid endpoint",
					problem:     endpointProblem,
					show:        redactEndpoint,
					holdsSecret: func(raw string) bool { return redactEndpoint(raw) != raw },
				}},
			},
			"max_retries": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How many times a throttled (429), failed (5xx) or interrupted call is "+
					"retried, with exponential backoff. 0 to %d; defaults to %d.", maxMaxRetries, defaultMaxRetries),
				Validators: []validator.Int64{int64validator.Between(0, maxMaxRetries)},
			},
			"request_timeout": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Time limit of one HTTP attempt, as a Go duration such as `30s` or `2m`. Defaults to `" +
					defaultRequestTimeout + "`.",
				Validators: []validator.String{settingValidator{
					description: "must be a positive duration such as \"60s\"",
					summary:     "Invalid request_timeout",
					problem: func(text string) string {
						if _, err := parseRequestTimeout(text); err != nil {
							return err.Error()
						}
						return ""
					},
				}},
			},
			defaultDeletionPolicyAttribute:     defaultDeletionPolicyProviderAttribute(),
			defaultDeletionProtectionAttribute: defaultDeletionProtectionProviderAttribute(),
		},
	}
}

// ValidateConfig catches, at plan time, the combination of settings that no host serves.
// Values that come from the environment are checked again in Configure.
func (p *ncloudKMSProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !isSetAndKnown(config.Site) || !isSetAndKnown(config.KeyBoundary) {
		return
	}
	site, boundary := config.Site.ValueString(), config.KeyBoundary.ValueString()
	if site == siteGov && boundary != keyBoundaryGlobal {
		resp.Diagnostics.AddAttributeError(path.Root("key_boundary"), "Key boundary not available on this site",
			keyBoundaryOnGovProblem(boundary))
	}
}

// Configure builds the one client of this provider process. While any setting is unknown
// (it depends on a resource not yet created) it hands out no client, so nothing calls the API.
func (p *ncloudKMSProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	// Configure starts a graph walk, which in Terraform is a provider process of its own (state_records.go).
	p.stateKeys.Reset()
	p.stateGenerators.Reset()
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if config.hasUnknownValue() {
		tflog.Debug(ctx, "Provider configuration has unknown values; no client until they are known")
		return
	}

	settings, problems := resolveProviderSettings(config.input(), p.environment())
	for _, problem := range problems {
		if problem.Attribute == "" {
			resp.Diagnostics.AddError(problem.Summary, problem.Detail)
		} else {
			resp.Diagnostics.AddAttributeError(path.Root(problem.Attribute), problem.Summary, problem.Detail)
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	clientConfig := kmsapi.Config{
		Endpoint:       settings.Endpoint,
		AccessKey:      settings.AccessKey,
		SecretKey:      settings.SecretKey,
		MaxAttempts:    settings.MaxAttempts,
		RequestTimeout: settings.RequestTimeout,
		UserAgent:      "terraform-provider-ncloudkms/" + p.version,
	}
	if p.opts.Transport != nil {
		clientConfig.HTTPClient = kmsapi.NewHTTPClient(p.opts.Transport)
	}
	client, err := kmsapi.NewClient(clientConfig)
	if err != nil {
		resp.Diagnostics.AddError("Cannot create the NCloud KMS client", err.Error())
		return
	}
	tflog.Debug(ctx, "Configured the NCloud KMS client", map[string]any{"endpoint": settings.Endpoint,
		"max_attempts": settings.MaxAttempts, "request_timeout": settings.RequestTimeout.String()})

	p.mu.Lock()
	p.client = client
	p.mu.Unlock()
	data := &providerData{client: client, clock: p.opts.Now, keyNames: p.keyNames, stateKeys: p.stateKeys,
		generators: p.stateGenerators, deletionDefaults: deletionDefaultsOf(config.DefaultDeletionPolicy, config.DefaultDeletionProtection)}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.EphemeralResourceData = data
	resp.ActionData = data
	resp.ListResourceData = data
}

func (p *ncloudKMSProvider) currentClient() *kmsapi.Client {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.client
}

// environment is where settings come from besides the provider block.
func (p *ncloudKMSProvider) environment() configEnvironment {
	env := configEnvironment{Getenv: p.opts.Getenv, HomeDir: p.opts.HomeDir}
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if env.HomeDir == "" {
		env.HomeDir, env.HomeDirErr = os.UserHomeDir()
	}
	return env
}

func (p *ncloudKMSProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		newKeyResource,
		newCiphertextResource,
		newKeyACLResource,
		newKeyTokenGeneratorResource,
	}
}

func (p *ncloudKMSProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		newKeyDataSource,
		newKeysDataSource,
		newKeyVersionsDataSource,
		newPublicKeyDataSource,
	}
}

func (p *ncloudKMSProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		newDecryptEphemeralResource,
		newDataKeyEphemeralResource,
		newKeyTokensEphemeralResource,
	}
}

func (p *ncloudKMSProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		newKeyListResource,
		newKeyTokenGeneratorListResource,
		newKeyACLListResource,
	}
}

func (p *ncloudKMSProvider) Functions(_ context.Context) []func() function.Function {
	return []func() function.Function{
		newCiphertextVersionFunction,
	}
}

// Actions need Terraform 1.14 or later; older CLIs do not ask for them.
func (p *ncloudKMSProvider) Actions(_ context.Context) []func() action.Action {
	return []func() action.Action{
		newRotateKeyAction,
		newCancelKeyDeletionAction,
	}
}

func (m providerModel) hasUnknownValue() bool {
	return m.AccessKey.IsUnknown() || m.SecretKey.IsUnknown() || m.Site.IsUnknown() || m.KeyBoundary.IsUnknown() ||
		m.Endpoint.IsUnknown() || m.MaxRetries.IsUnknown() || m.RequestTimeout.IsUnknown() ||
		m.DefaultDeletionPolicy.IsUnknown() || m.DefaultDeletionProtection.IsUnknown()
}

// input converts the (fully known) provider block to plain values; null becomes "not set".
func (m providerModel) input() providerConfigInput {
	in := providerConfigInput{
		AccessKey:      m.AccessKey.ValueString(),
		SecretKey:      m.SecretKey.ValueString(),
		Site:           m.Site.ValueString(),
		KeyBoundary:    m.KeyBoundary.ValueString(),
		Endpoint:       m.Endpoint.ValueString(),
		RequestTimeout: m.RequestTimeout.ValueString(),
	}
	if !m.MaxRetries.IsNull() {
		retries := m.MaxRetries.ValueInt64()
		in.MaxRetries = &retries
	}
	return in
}

func isSetAndKnown(v types.String) bool {
	return !v.IsNull() && !v.IsUnknown()
}

// settingValidator checks a known string setting with one of the pure problem functions of
// provider_config.go, so that plan time and Configure give the same message.
type settingValidator struct {
	description string
	summary     string
	problem     func(string) string
	show        func(string) string // optional: how the value appears in the message (e.g. without a password)
	// holdsSecret (optional) tells a value with a secret in it. Its error then names the attribute
	// in words only: an error attached to the attribute makes Terraform print the configuration
	// line, secret included.
	holdsSecret func(string) bool
}

func (v settingValidator) Description(_ context.Context) string           { return v.description }
func (v settingValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v settingValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	problem := v.problem(value)
	if problem == "" {
		return
	}
	shown := value
	if v.show != nil {
		shown = v.show(value)
	}
	detail := fmt.Sprintf("%s = %q: %s", req.Path, shown, problem)
	if v.holdsSecret != nil && v.holdsSecret(value) {
		resp.Diagnostics.AddError(v.summary, detail)
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, v.summary, detail)
}
