package provider

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

// --- unit tests of the provider type ---

func TestProvider_schemaIsValid(t *testing.T) {
	p := New("test")()
	var resp provider.SchemaResponse
	p.Schema(context.Background(), provider.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema: %v", resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(context.Background()); diags.HasError() {
		t.Fatalf("schema implementation: %v", diags)
	}
	if !resp.Schema.Attributes["secret_key"].IsSensitive() {
		t.Error("secret_key must be sensitive")
	}
}

func TestProvider_configureWithUnknownValueHandsOutNoClient(t *testing.T) {
	ctx := context.Background()
	p := NewWithOptions("test", Options{Getenv: func(string) string { return "" }, HomeDir: t.TempDir()})()
	var schemaResp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &schemaResp)

	objectType := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	values := map[string]tftypes.Value{}
	for name, attrType := range objectType.AttributeTypes {
		values[name] = tftypes.NewValue(attrType, nil)
	}
	values["access_key"] = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	values["secret_key"] = tftypes.NewValue(tftypes.String, "secret")

	req := provider.ConfigureRequest{}
	req.Config.Schema = schemaResp.Schema
	req.Config.Raw = tftypes.NewValue(objectType, values)
	var resp provider.ConfigureResponse
	p.Configure(ctx, req, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("unexpected diagnostics: %v", resp.Diagnostics)
	}
	if resp.ResourceData != nil || resp.DataSourceData != nil {
		t.Fatal("an unknown access_key must not produce a client")
	}
}

// --- acceptance tests ---

func TestAccProvider_credentialsFromAttributes(t *testing.T) {
	mock := testAccMock(t)
	testAccMockKeys(t, mock, "attr-key")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactoriesWith(Options{HomeDir: t.TempDir()}),
		Steps: []resource.TestStep{{
			Config:            testAccProviderConfig(mock) + testAccKeysDataSourceConfig_all(),
			ConfigStateChecks: expectKeyNames("data.ncloudkms_keys.all", "attr-key"),
		}},
	})
}

func TestAccProvider_credentialsFromOfficialEnvNames(t *testing.T) {
	mock := testAccMock(t)
	testAccMockKeys(t, mock, "env-key")
	env := map[string]string{envAccessKey: mock.AccessKey(), envSecretKey: mock.SecretKey()}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactoriesWith(Options{Getenv: mapGetenv(env), HomeDir: t.TempDir()}),
		Steps: []resource.TestStep{{
			Config:            testAccProviderConfig_endpointOnly(mock.URL()) + testAccKeysDataSourceConfig_all(),
			ConfigStateChecks: expectKeyNames("data.ncloudkms_keys.all", "env-key"),
		}},
	})
}

func TestAccProvider_credentialsFromSDKEnvNames(t *testing.T) {
	mock := testAccMock(t)
	testAccMockKeys(t, mock, "sdk-env-key")
	env := map[string]string{envAccessKeyID: mock.AccessKey(), envSecretAccessKey: mock.SecretKey()}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactoriesWith(Options{Getenv: mapGetenv(env), HomeDir: t.TempDir()}),
		Steps: []resource.TestStep{{
			Config:            testAccProviderConfig_endpointOnly(mock.URL()) + testAccKeysDataSourceConfig_all(),
			ConfigStateChecks: expectKeyNames("data.ncloudkms_keys.all", "sdk-env-key"),
		}},
	})
}

func TestAccProvider_credentialsFromConfigureFile(t *testing.T) {
	mock := testAccMock(t)
	testAccMockKeys(t, mock, "file-key")
	home := t.TempDir()
	writeConfigureFile(t, home, fmt.Sprintf("ncloud_access_key_id = %s\nncloud_secret_access_key = %s\n", mock.AccessKey(), mock.SecretKey()))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactoriesWith(Options{Getenv: mapGetenv(nil), HomeDir: home}),
		Steps: []resource.TestStep{{
			Config:            testAccProviderConfig_endpointOnly(mock.URL()) + testAccKeysDataSourceConfig_all(),
			ConfigStateChecks: expectKeyNames("data.ncloudkms_keys.all", "file-key"),
		}},
	})
}

func TestAccProvider_endpointFromEnv(t *testing.T) {
	mock := testAccMock(t)
	testAccMockKeys(t, mock, "endpoint-env")
	env := map[string]string{envEndpoint: mock.URL(), envAccessKey: mock.AccessKey(), envSecretKey: mock.SecretKey()}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactoriesWith(Options{Getenv: mapGetenv(env), HomeDir: t.TempDir()}),
		Steps: []resource.TestStep{{
			Config:            testAccProviderConfig_empty() + testAccKeysDataSourceConfig_all(),
			ConfigStateChecks: expectKeyNames("data.ncloudkms_keys.all", "endpoint-env"),
		}},
	})
}

func TestAccProvider_missingCredentials(t *testing.T) {
	mock := testAccMock(t)
	home := t.TempDir()
	configurePath := regexp.QuoteMeta(filepath.Join(home, ".ncloud", "configure"))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactoriesWith(Options{Getenv: mapGetenv(nil), HomeDir: home}),
		Steps: []resource.TestStep{{
			Config: testAccProviderConfig_endpointOnly(mock.URL()) + testAccKeysDataSourceConfig_all(),
			ExpectError: regexp.MustCompile(`(?s)Missing NCloud API credentials.*` +
				`No access key.*access_key\s+attribute.*NCLOUD_ACCESS_KEY,\s+then\s+NCLOUD_ACCESS_KEY_ID.*` + configurePath +
				`.*No secret key.*secret_key\s+attribute.*NCLOUD_SECRET_KEY,\s+then\s+NCLOUD_SECRET_ACCESS_KEY.*` + configurePath),
		}},
	})
	expectNoAPICalls(t, mock)
}

func TestAccProvider_finSiteRefused(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactoriesWith(Options{Getenv: mapGetenv(nil), HomeDir: t.TempDir()}),
		Steps: []resource.TestStep{{
			Config:      testAccProviderConfig_siteAndKeyBoundary("fin", "") + testAccKeysDataSourceConfig_all(),
			ExpectError: regexp.MustCompile(`(?s)Unsupported site.*site\s+=\s+"fin".*no\s+KMS\s+API\s+2\.0.*"fin"\s+is\s+not\s+supported`),
		}},
	})
}

func TestAccProvider_finSiteFromEnvRefused(t *testing.T) {
	env := map[string]string{envSite: "fin", envAccessKey: "AK", envSecretKey: "SK"}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactoriesWith(Options{Getenv: mapGetenv(env), HomeDir: t.TempDir()}),
		Steps: []resource.TestStep{{
			Config:      testAccProviderConfig_empty() + testAccKeysDataSourceConfig_all(),
			ExpectError: regexp.MustCompile(`(?s)Unsupported site.*Site\s+"fin"\s+\(from\s+the\s+environment\s+variable\s+NCLOUD_SITE\).*no\s+KMS\s+API\s+2\.0`),
		}},
	})
}

func TestAccProvider_keyBoundaryNeedsPublicSite(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactoriesWith(Options{Getenv: mapGetenv(nil), HomeDir: t.TempDir()}),
		Steps: []resource.TestStep{{
			Config:      testAccProviderConfig_siteAndKeyBoundary("gov", "korea") + testAccKeysDataSourceConfig_all(),
			ExpectError: regexp.MustCompile(`(?s)Key boundary not available on this site.*only\s+available\s+with\s+site\s+"public"`),
		}},
	})
}

func TestAccProvider_invalidKeyBoundary(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactoriesWith(Options{Getenv: mapGetenv(nil), HomeDir: t.TempDir()}),
		Steps: []resource.TestStep{{
			Config:      testAccProviderConfig_siteAndKeyBoundary("public", "KR") + testAccKeysDataSourceConfig_all(),
			ExpectError: regexp.MustCompile(`(?s)key_boundary\s+value\s+must\s+be\s+one\s+of.*"global"\s+"korea"\s+"japan"`),
		}},
	})
}

func TestAccProvider_httpEndpointRefused(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactoriesWith(Options{Getenv: mapGetenv(nil), HomeDir: t.TempDir()}),
		Steps: []resource.TestStep{{
			Config:      testAccProviderConfig_endpoint("http://kms.example.com/kms/v1") + testAccKeysDataSourceConfig_all(),
			ExpectError: regexp.MustCompile(`(?s)Invalid endpoint.*must\s+use\s+https://\s+because\s+"kms.example.com"\s+is\s+not\s+a\s+loopback`),
		}},
	})
}

func TestAccProvider_httpEndpointFromEnvRefused(t *testing.T) {
	env := map[string]string{envEndpoint: "http://10.1.2.3/kms/v1", envAccessKey: "AK", envSecretKey: "SK"}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactoriesWith(Options{Getenv: mapGetenv(env), HomeDir: t.TempDir()}),
		Steps: []resource.TestStep{{
			Config:      testAccProviderConfig_empty() + testAccKeysDataSourceConfig_all(),
			ExpectError: regexp.MustCompile(`(?s)Invalid endpoint.*NCLOUD_KMS_ENDPOINT\s+cannot\s+be\s+used.*must\s+use\s+https://`),
		}},
	})
}

func TestAccProvider_malformedEndpoint(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactoriesWith(Options{Getenv: mapGetenv(nil), HomeDir: t.TempDir()}),
		Steps: []resource.TestStep{
			{
				Config:      testAccProviderConfig_endpoint("ocapi.ncloud.com/kms/v1") + testAccKeysDataSourceConfig_all(),
				ExpectError: regexp.MustCompile(`(?s)Invalid endpoint.*absolute\s+URL`),
			},
			{
				Config:      testAccProviderConfig_endpoint("https://exa mple.com/kms/v1") + testAccKeysDataSourceConfig_all(),
				ExpectError: regexp.MustCompile(`(?s)Invalid endpoint.*not\s+a\s+valid\s+URL`),
			},
		},
	})
}

func TestAccProvider_invalidRetrySettings(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactoriesWith(Options{Getenv: mapGetenv(nil), HomeDir: t.TempDir()}),
		Steps: []resource.TestStep{
			{
				Config:      testAccProviderConfig_retries(-1, "60s") + testAccKeysDataSourceConfig_all(),
				ExpectError: regexp.MustCompile(`(?s)max_retries.*between\s+0\s+and\s+50`),
			},
			{
				Config:      testAccProviderConfig_retries(3, "soon") + testAccKeysDataSourceConfig_all(),
				ExpectError: regexp.MustCompile(`(?s)Invalid request_timeout.*not\s+a\s+duration`),
			},
		},
	})
}

func TestAccProvider_hostFromSiteAndKeyBoundary(t *testing.T) {
	tests := []struct {
		name, site, keyBoundary, wantHost string
	}{
		{"default", "", "", "ocapi.ncloud.com"},
		{"public_global", "public", "global", "ocapi.ncloud.com"},
		{"public_korea", "public", "korea", "ocapi-kr.ncloud.com"},
		{"korea_default_site", "", "korea", "ocapi-kr.ncloud.com"},
		{"public_japan", "public", "japan", "ocapi-jp.ncloud.com"},
		{"gov", "gov", "", "ocapi.gov-ncloud.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mock := testAccMock(t)
			testAccMockKeys(t, mock, "host-key")
			recorder := &hostRecordingTransport{target: mock.Addr()}
			env := map[string]string{envAccessKey: mock.AccessKey(), envSecretKey: mock.SecretKey()}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactoriesWith(Options{Getenv: mapGetenv(env), HomeDir: t.TempDir(), Transport: recorder}),
				Steps: []resource.TestStep{{
					Config: testAccProviderConfig_siteAndKeyBoundary(tt.site, tt.keyBoundary) + testAccKeysDataSourceConfig_all(),
					ConfigStateChecks: append(expectKeyNames("data.ncloudkms_keys.all", "host-key"),
						expectRecordedRequests(recorder, tt.wantHost, "/kms/v1/keys")),
				}},
			})
		})
	}
}

func TestAccProvider_hostFromEnv(t *testing.T) {
	mock := testAccMock(t)
	testAccMockKeys(t, mock, "host-env-key")
	recorder := &hostRecordingTransport{target: mock.Addr()}
	env := map[string]string{envSite: "public", envKeyBoundary: "japan", envAccessKey: mock.AccessKey(), envSecretKey: mock.SecretKey(),
		"NCLOUD_REGION": "KR"}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactoriesWith(Options{Getenv: mapGetenv(env), HomeDir: t.TempDir(), Transport: recorder}),
		Steps: []resource.TestStep{{
			Config: testAccProviderConfig_empty() + testAccKeysDataSourceConfig_all(),
			ConfigStateChecks: append(expectKeyNames("data.ncloudkms_keys.all", "host-env-key"),
				expectRecordedRequests(recorder, "ocapi-jp.ncloud.com", "/kms/v1/keys")),
		}},
	})
}

func TestAccProvider_wrongCredentials(t *testing.T) {
	mock := testAccMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactoriesWith(Options{Getenv: mapGetenv(nil), HomeDir: t.TempDir()}),
		Steps: []resource.TestStep{{
			Config:      testAccProviderConfig_credentials(mock.URL(), mock.AccessKey(), "not-the-secret") + testAccKeysDataSourceConfig_all(),
			ExpectError: regexp.MustCompile(`(?s)Key listing failed.*credentials\s+were\s+rejected.*check\s+the\s+access\s+key\s+and\s+the\s+secret\s+key.*HTTP\s+401`),
		}},
	})
	// 401 is never retried: every call made was answered 401 and none was repeated by the client.
	calls := mock.Journal()
	if len(calls) == 0 {
		t.Fatal("expected the provider to call the API")
	}
	for _, call := range calls {
		if call.Status != http.StatusUnauthorized {
			t.Errorf("call %+v: want 401", call)
		}
	}
}

// A provider setting that depends on a resource not yet created is unknown during the plan: the
// provider hands out no client, and the data source says why instead of calling the API.
func TestAccProvider_unknownConfigurationMakesNoCall(t *testing.T) {
	mock := testAccMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactoriesWith(Options{Getenv: mapGetenv(nil), HomeDir: t.TempDir()}),
		Steps: []resource.TestStep{{
			Config:      testAccProviderConfig_unknownSecretKey(mock) + testAccKeysDataSourceConfig_all(),
			ExpectError: regexp.MustCompile(`(?s)Provider not configured.*not\s+known\s+yet`),
		}},
	})
	expectNoAPICalls(t, mock)
}

// --- configurations ---

func testAccProviderConfig_empty() string {
	return `provider "ncloudkms" {}
`
}

func testAccProviderConfig_endpointOnly(endpoint string) string {
	return fmt.Sprintf(`
provider "ncloudkms" {
  endpoint = %q
}
`, endpoint)
}

// testAccProviderConfig_endpoint sets an endpoint with dummy credentials, for endpoint validation.
func testAccProviderConfig_endpoint(endpoint string) string {
	return testAccProviderConfig_credentials(endpoint, "AK", "SK")
}

func testAccProviderConfig_credentials(endpoint, accessKey, secretKey string) string {
	return fmt.Sprintf(`
provider "ncloudkms" {
  endpoint   = %q
  access_key = %q
  secret_key = %q
}
`, endpoint, accessKey, secretKey)
}

// testAccProviderConfig_siteAndKeyBoundary leaves out what is empty, so that defaults apply.
func testAccProviderConfig_siteAndKeyBoundary(site, keyBoundary string) string {
	var b strings.Builder
	b.WriteString("provider \"ncloudkms\" {\n")
	if site != "" {
		fmt.Fprintf(&b, "  site = %q\n", site)
	}
	if keyBoundary != "" {
		fmt.Fprintf(&b, "  key_boundary = %q\n", keyBoundary)
	}
	b.WriteString("}\n")
	return b.String()
}

func testAccProviderConfig_retries(maxRetries int, requestTimeout string) string {
	return fmt.Sprintf(`
provider "ncloudkms" {
  endpoint        = "http://127.0.0.1:1/kms/v1"
  access_key      = "AK"
  secret_key      = "SK"
  max_retries     = %d
  request_timeout = %q
}
`, maxRetries, requestTimeout)
}

// testAccProviderConfig_unknownSecretKey takes the secret key from a resource, so that it is
// unknown until apply.
func testAccProviderConfig_unknownSecretKey(m *kmsmock.Server) string {
	return fmt.Sprintf(`
resource "terraform_data" "secret" {
  input = %q
}

provider "ncloudkms" {
  endpoint   = %q
  access_key = %q
  secret_key = terraform_data.secret.output
}
`, m.SecretKey(), m.URL(), m.AccessKey())
}

// --- helpers shared by the provider and data source tests ---

// mapGetenv stands in for os.Getenv, so tests never change the process environment.
func mapGetenv(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

// expectKeyNames checks the names listed by an ncloudkms_keys data source, in order.
func expectKeyNames(address string, names ...string) []statecheck.StateCheck {
	elements := make([]knownvalue.Check, len(names))
	for i, name := range names {
		elements[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact(name)})
	}
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(address, tfjsonpath.New("keys"), knownvalue.ListExact(elements)),
		statecheck.ExpectKnownValue(address, tfjsonpath.New("ids"), knownvalue.ListSizeExact(len(names))),
	}
}

// expectNoAPICalls asserts, after a test case, that the mock was never called.
func expectNoAPICalls(t *testing.T, mock *kmsmock.Server) {
	t.Helper()
	if calls := mock.Journal(); len(calls) != 0 {
		t.Errorf("expected no API call, got %+v", calls)
	}
}

// hostRecordingTransport remembers which host and path the provider asked for, then sends the
// request to the mock instead. The signature covers only path and query, so it stays valid.
type hostRecordingTransport struct {
	target string // host:port of the mock

	mu       sync.Mutex
	requests []string // "host path"
}

func (rt *hostRecordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rt.mu.Lock()
	rt.requests = append(rt.requests, req.URL.Scheme+"://"+req.URL.Host+" "+req.URL.Path)
	rt.mu.Unlock()

	forwarded := req.Clone(req.Context())
	forwarded.URL.Scheme = "http"
	forwarded.URL.Host = rt.target
	forwarded.Host = rt.target
	return http.DefaultTransport.RoundTrip(forwarded)
}

func (rt *hostRecordingTransport) recorded() []string {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return slices.Clone(rt.requests)
}

// expectRecordedRequests checks that at least one request was made and every one went to
// https://host with a path under pathPrefix.
func expectRecordedRequests(rt *hostRecordingTransport, host, pathPrefix string) statecheck.StateCheck {
	return recordedHostCheck{rt: rt, host: host, pathPrefix: pathPrefix}
}

type recordedHostCheck struct {
	rt               *hostRecordingTransport
	host, pathPrefix string
}

func (c recordedHostCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	requests := c.rt.recorded()
	if len(requests) == 0 {
		resp.Error = fmt.Errorf("no request was made")
		return
	}
	for _, r := range requests {
		if !strings.HasPrefix(r, "https://"+c.host+" "+c.pathPrefix) {
			resp.Error = fmt.Errorf("request %q: want https://%s with a path under %s (all: %q)", r, c.host, c.pathPrefix, requests)
			return
		}
	}
}
