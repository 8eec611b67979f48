package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/server"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// Test helpers shared by the tests of this package: providers, mocks, configurations, and the
// assertions on the mock's journal and on the CLI's diagnostics.

func TestMain(m *testing.M) {
	// Acceptance tests must never phone home or read a developer's real credentials.
	os.Setenv("CHECKPOINT_DISABLE", "1")
	for _, name := range []string{"NCLOUD_ACCESS_KEY", "NCLOUD_SECRET_KEY", "NCLOUD_ACCESS_KEY_ID",
		"NCLOUD_SECRET_ACCESS_KEY", "NCLOUD_KMS_ENDPOINT", "NCLOUD_SITE", "NCLOUD_KMS_KEY_BOUNDARY"} {
		os.Unsetenv(name)
	}
	cleanup := useEmptyCLIConfig()
	setProviderHostForOpenTofu()
	code := m.Run()
	cleanup()
	os.Exit(code)
}

// useEmptyCLIConfig points TF_CLI_CONFIG_FILE at an empty file for every CLI the tests start,
// terraform-plugin-testing's included (the CLI harness sets its own per command): a developer's
// ~/.terraformrc or ~/.tofurc (dev_overrides, a plugin cache) cannot change the outcome, and a
// TF_CLI_CONFIG_FILE naming a missing file cannot make OpenTofu print a warning on standard output
// where terraform-plugin-testing reads its version.
func useEmptyCLIConfig() func() {
	dir, err := os.MkdirTemp("", "ncloudkms-cli-config")
	if err != nil {
		panic(err)
	}
	path := filepath.Join(dir, "empty.tfrc")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		panic(err)
	}
	os.Setenv("TF_CLI_CONFIG_FILE", path)
	return func() { os.RemoveAll(dir) }
}

// setProviderHostForOpenTofu sets TF_ACC_PROVIDER_HOST=registry.opentofu.org when the acceptance
// tests run OpenTofu and it is not set: terraform-plugin-testing reattaches the provider under
// that host, and OpenTofu resolves the configurations' unqualified provider to it. So
// TF_ACC_TERRAFORM_PATH=/path/to/tofu is enough to run the suite on OpenTofu.
func setProviderHostForOpenTofu() {
	if os.Getenv("TF_ACC") == "" || os.Getenv("TF_ACC_PROVIDER_HOST") != "" {
		return
	}
	path, err := tfcli.Binary()
	if err != nil {
		return // the tests that need a CLI say so
	}
	if cli, err := tfcli.Detect(path); err == nil && cli.IsOpenTofu() {
		os.Setenv("TF_ACC_PROVIDER_HOST", cli.RegistryHost())
	}
}

// testAccProtoV6ProviderFactories serves the real provider in-process with default options.
func testAccProtoV6ProviderFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	return testAccProtoV6ProviderFactoriesWith(Options{})
}

// testAccProtoV6ProviderFactoriesWith serves the provider with injected environment, home or transport.
// Each call builds a new provider instance, as each Terraform command starts a new provider process.
func testAccProtoV6ProviderFactoriesWith(opts Options) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"ncloudkms": func() (tfprotov6.ProviderServer, error) {
			return server.NewProtocol6Server(NewWithOptions("test", opts)(), true), nil // as served without TF_LOG
		},
	}
}

// testAccCLIProvider is the provider for the CLI harness (internal/tfcli), built with opts for each
// Terraform command as testAccProtoV6ProviderFactoriesWith builds it for terraform-plugin-testing.
func testAccCLIProvider(opts Options) tfcli.Provider {
	return tfcli.Provider{Source: "ncloudkms/ncloudkms", New: testAccProtoV6ProviderFactoriesWith(opts)["ncloudkms"]}
}

// newTFWorkdir is a CLI harness working directory for the provider with default options; it skips
// the test unless TF_ACC is set.
func newTFWorkdir(t *testing.T) *tfcli.Workdir {
	t.Helper()
	return tfcli.New(t, testAccCLIProvider(Options{}))
}

// newTFWorkdirWith is newTFWorkdir for the provider built with opts (a clock, a transport).
func newTFWorkdirWith(t *testing.T, opts Options) *tfcli.Workdir {
	t.Helper()
	return tfcli.New(t, testAccCLIProvider(opts))
}

// testAccMock starts a fresh mock for one test; it stops when the test ends.
func testAccMock(t *testing.T) *kmsmock.Server {
	t.Helper()
	return kmsmock.NewTestServer(t, kmsmock.Options{})
}

// testAccProviderConfig is the provider block that points at the given mock.
func testAccProviderConfig(m *kmsmock.Server) string {
	return fmt.Sprintf(`
provider "ncloudkms" {
  endpoint   = %q
  access_key = %q
  secret_key = %q
}
`, m.URL(), m.AccessKey(), m.SecretKey())
}

// testAccKeyAddress is the resource address every ncloudkms_key acceptance config uses.
const testAccKeyAddress = "ncloudkms_key.test"

// apiPathPrefix is stripped from journal paths so that calls read like DESIGN.md §2: "POST /keys".
const apiPathPrefix = "/kms/v1"

// journalLine is how the tests print a call of the mock's journal: "METHOD /path", with the path
// relative to /kms/v1 ("POST /keys", "GET /keys/<tag>", "POST /keys/<tag>/disable"), and the query
// after it when withQuery and the call has one ("GET /keys?pageNo=1&pageSize=200").
func journalLine(c kmsmock.Call, withQuery bool) string {
	line := c.Method + " " + strings.TrimPrefix(c.Path, apiPathPrefix)
	if withQuery && c.Query != "" {
		line += "?" + c.Query
	}
	return line
}

// journalCalls returns the mock's journal in arrival order as journalLine prints it, without the queries.
func journalCalls(m *kmsmock.Server) []string { return journalLines(m, false) }

// journalLines returns the mock's journal in arrival order as journalLine prints it.
func journalLines(m *kmsmock.Server, withQuery bool) []string {
	journal := m.Journal()
	calls := make([]string, len(journal))
	for i, c := range journal {
		calls[i] = journalLine(c, withQuery)
	}
	return calls
}

// expectMockCalls checks the mock's journal right after apply, queries included, for the tests of
// what a lookup or a listing asks for.
func expectMockCalls(mock *kmsmock.Server, want ...string) statecheck.StateCheck {
	return mockJournalCheck{mock: mock, want: want}
}

// expectMockQueryCalls is expectMockCalls for a query step, once `terraform query` has run. A
// listing reads keys side by side (listReadWidth), so the calls are compared in any order.
func expectMockQueryCalls(mock *kmsmock.Server, want ...string) querycheck.QueryResultCheck {
	return mockJournalCheck{mock: mock, want: want, anyOrder: true}
}

type mockJournalCheck struct {
	mock     *kmsmock.Server
	want     []string
	anyOrder bool
}

func (c mockJournalCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c.mismatch()
}

func (c mockJournalCheck) CheckQuery(_ context.Context, _ querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	resp.Error = c.mismatch()
}

func (c mockJournalCheck) mismatch() error {
	got, want := journalLines(c.mock, true), slices.Clone(c.want)
	if c.anyOrder {
		slices.Sort(got)
		slices.Sort(want)
	}
	if !slices.Equal(got, want) {
		return fmt.Errorf("mock journal:\n  got  %q\n  want %q", got, want)
	}
	return nil
}

// isListCall tells the key listings (plan-time name checks, lookups by name) from other calls.
func isListCall(call string) bool { return call == "GET /keys" }

// isMutatingCall reports a call that changes something (anything but GET).
func isMutatingCall(call string) bool { return !strings.HasPrefix(call, "GET ") }

// withoutListCalls drops the key listings, which plan-time name checks make once per provider process.
func withoutListCalls(calls []string) []string {
	return slices.DeleteFunc(slices.Clone(calls), isListCall)
}

// fromFirstChange returns the calls from the first mutating one on: what an apply did, since apply
// is the last thing a step runs before its checks and a plan only reads.
func fromFirstChange(calls []string) []string {
	for i, c := range calls {
		if isMutatingCall(c) {
			return calls[i:]
		}
	}
	return nil
}

// expandTag replaces {tag} in each expected call with the key tag.
func expandTag(tag string, calls []string) []string {
	out := make([]string, len(calls))
	for i, c := range calls {
		out[i] = strings.ReplaceAll(c, "{tag}", tag)
	}
	return out
}

func stateKeyTag(s *terraform.State) (string, error) {
	rs, ok := s.RootModule().Resources[testAccKeyAddress]
	if !ok {
		return "", fmt.Errorf("%s not in state", testAccKeyAddress)
	}
	return rs.Primary.ID, nil
}

// testAccCheckApplyCalls asserts the exact calls of the step's apply, from the first mutating call on
// ({tag} stands for the key's tag in state). Reset the journal in the step's PreConfig.
func testAccCheckApplyCalls(m *kmsmock.Server, expected ...string) resource.TestCheckFunc {
	return testAccCheckJournalView(m, "apply calls", fromFirstChange, expected)
}

// testAccCheckCallsWithoutLists asserts the step's whole journal, key listings left out.
func testAccCheckCallsWithoutLists(m *kmsmock.Server, expected ...string) resource.TestCheckFunc {
	return testAccCheckJournalView(m, "calls (listings left out)", withoutListCalls, expected)
}

// testAccCheckJournalView compares a view of the journal with expected, whose {tag} stands for the
// key's tag in state.
func testAccCheckJournalView(m *kmsmock.Server, what string, view func([]string) []string, expected []string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		tag, err := stateKeyTag(s)
		if err != nil {
			return err
		}
		return compareCalls(what, view(journalCalls(m)), expandTag(tag, expected), journalCalls(m))
	}
}

func compareCalls(what string, got, want, journal []string) error {
	if slices.Equal(got, want) {
		return nil
	}
	return fmt.Errorf("%s:\n got  %q\n want %q\nfull journal: %q", what, got, want, journal)
}

// testAccCheckMockKeyCount asserts how many keys the mock holds (pending deletion included).
func testAccCheckMockKeyCount(m *kmsmock.Server, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := len(m.Keys()); got != want {
			return fmt.Errorf("mock holds %d keys, want %d: %+v", got, want, m.Keys())
		}
		return nil
	}
}

// testAccCaptureKeyTag stores the key tag in state into *tag, for later steps that act on the key
// outside Terraform.
func testAccCaptureKeyTag(tag *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		var err error
		*tag, err = stateKeyTag(s)
		return err
	}
}

// testAccMockKey creates a key directly in the mock, as someone would in the console (not journaled):
// AES256 and BASIC unless spec says otherwise.
func testAccMockKey(t *testing.T, m *kmsmock.Server, spec kmsmock.KeySpec) kmsmock.Key {
	t.Helper()
	if spec.Type == "" {
		spec.Type = "AES256"
	}
	if spec.ProtectionType == "" {
		spec.ProtectionType = "BASIC"
	}
	key, err := m.CreateKey(spec)
	if err != nil {
		t.Fatalf("creating mock key %q: %s", spec.Name, err)
	}
	return key
}

// testAccMockKeys creates AES256 keys of these names with testAccMockKey.
func testAccMockKeys(t *testing.T, m *kmsmock.Server, names ...string) []kmsmock.Key {
	t.Helper()
	keys := make([]kmsmock.Key, 0, len(names))
	for _, name := range names {
		keys = append(keys, testAccMockKey(t, m, kmsmock.KeySpec{Name: name}))
	}
	return keys
}

// mustMock fails the test when a console-style action on the mock fails.
func mustMock(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("mock action: %s", err)
	}
}

// testAccKeyConfig is the provider block of the mock and the key ncloudkms_key.test (testAccKeyAddress)
// named name, with raw argument lines (keySettings, keyTypeArgument, or any other).
func testAccKeyConfig(m *kmsmock.Server, name, arguments string) string {
	return testAccProviderConfig(m) + testAccKeyBlock("test", name, arguments)
}

// setsType matches an argument line that sets the key's type.
var setsType = regexp.MustCompile(`(?m)^\s*type\s*=`)

// testAccKeyBlock is a resource block ncloudkms_key.<label> named name with raw argument lines; its
// type is AES256 unless the arguments set one (keyTypeArgument).
func testAccKeyBlock(label, name, arguments string) string {
	if !setsType.MatchString(arguments) {
		arguments = keyTypeArgument("AES256") + arguments
	}
	return fmt.Sprintf(`
resource "ncloudkms_key" %q {
  name = %q
%s
}
`, label, name, arguments)
}

// keyTypeArgument is the argument line type = keyType.
func keyTypeArgument(keyType string) string { return fmt.Sprintf("  type = %q\n", keyType) }

// keySettings are the argument lines of a key's in-place settings made explicit; rotationDays 0
// leaves rotation_period_days unset.
func keySettings(memo string, rotationDays int, enabled bool) string {
	arguments := fmt.Sprintf("  memo    = %q\n  enabled = %t\n", memo, enabled)
	if rotationDays != 0 {
		arguments += fmt.Sprintf("  rotation_period_days = %d\n", rotationDays)
	}
	return arguments
}

// errorText matches fragments of a diagnostic in order, whatever the line wrapping Terraform applies:
// words inside a fragment may be separated by any white space, fragments by anything.
func errorText(fragments ...string) *regexp.Regexp {
	patterns := make([]string, len(fragments))
	for i, fragment := range fragments {
		words := strings.Fields(fragment)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		patterns[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(patterns, `.*`))
}

// withNullExtras gives a model built by hand the null values that a configuration without
// refuse_deletion_if_used_within, rotation_triggers, disabled_versions and timeouts has.
func withNullExtras(m keyResourceModel) keyResourceModel {
	m.RefuseDeletionIfUsedWithin = types.StringNull()
	m.RotationTriggers = types.MapNull(types.StringType)
	m.DisabledVersions = types.SetNull(types.Int64Type)
	m.Timeouts = timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
		"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType,
	})}
	return m
}

// cliNoAddress is the address Terraform (1.11) gives the diagnostics of a resource that is no
// longer in the configuration, and the errors of a destroy at apply time: none, since it has no
// configuration block to attach them to. The detail still names the key and its tag.
const cliNoAddress = ""

// regexpAPITail matches the end of a detail that quotes an API error (apiErrorTail).
var regexpAPITail = regexp.MustCompile(`code \S+, message ".*", request id \S+$`)

// cliProviderConfigNoRetries points at the mock with one attempt per call, so that an
// injected server error fails the call at once.
func cliProviderConfigNoRetries(m *kmsmock.Server) string {
	return fmt.Sprintf(`
provider "ncloudkms" {
  endpoint    = %q
  access_key  = %q
  secret_key  = %q
  max_retries = 0
}
`, m.URL(), m.AccessKey(), m.SecretKey())
}

// cliCall renders one journal entry as journalCalls writes it: "METHOD /keys/<tag>[/<action>]".
func cliCall(method, tag string, action ...string) string {
	p := "/keys"
	if tag != "" {
		p += "/" + tag
	}
	for _, a := range action {
		p += "/" + a
	}
	return method + " " + p
}

// requireCLIJournalPhases checks calls: first the plan's calls in any order (Terraform 1.11 plans
// a removed resource's destroy before it refreshes it, Terraform 1.5 after), then the apply's, in order.
func requireCLIJournalPhases(t *testing.T, calls, planCalls []string, applyCalls ...string) {
	t.Helper()
	n := min(len(planCalls), len(calls))
	gotPlan, wantPlan := slices.Clone(calls[:n]), slices.Clone(planCalls)
	slices.Sort(gotPlan)
	slices.Sort(wantPlan)
	if !slices.Equal(gotPlan, wantPlan) || !slices.Equal(calls[n:], applyCalls) {
		t.Fatalf("calls:\n  got  %q\n  want %q (in any order), then %q", calls, planCalls, applyCalls)
	}
}

func requireCLIJournal(t *testing.T, m *kmsmock.Server, want ...string) {
	t.Helper()
	if got := journalCalls(m); !slices.Equal(got, want) {
		t.Fatalf("mock journal:\n  got  %q\n  want %q", got, want)
	}
}

// mutatingCalls are the journal's calls other than GET.
func mutatingCalls(m *kmsmock.Server) []string {
	var out []string
	for _, c := range journalCalls(m) {
		if isMutatingCall(c) {
			out = append(out, c)
		}
	}
	return out
}

// cliApplyKey creates the configured keys and returns the tag of ncloudkms_key.test; the journal is
// reset afterwards so that a test sees only the calls of what it does next.
func cliApplyKey(t *testing.T, wd *tfcli.Workdir, m *kmsmock.Server, config string) string {
	t.Helper()
	wd.SetConfig(config)
	wd.Apply().RequireSuccess(t)
	m.ResetJournal()
	return cliStateKeyTag(t, wd, testAccKeyAddress)
}

func cliStateKeyTag(t *testing.T, wd *tfcli.Workdir, address string) string {
	t.Helper()
	attrs := wd.StateResource(address)
	tag, _ := attrs["key_tag"].(string)
	if tag == "" {
		t.Fatalf("no key_tag for %s in the state: %v", address, attrs)
	}
	return tag
}

func cliRequireMockStatus(t *testing.T, m *kmsmock.Server, tag, status string) kmsmock.Key {
	t.Helper()
	key, ok := m.Key(tag)
	if !ok {
		t.Fatalf("key %s is gone from the mock, want status %s", tag, status)
	}
	if key.Status != status {
		t.Fatalf("key %s: status %s in the mock, want %s", tag, key.Status, status)
	}
	return key
}

func cliRequireMockGone(t *testing.T, m *kmsmock.Server, tag string) {
	t.Helper()
	if key, ok := m.Key(tag); ok {
		t.Fatalf("key %s still in the mock with status %s, want it deleted", tag, key.Status)
	}
}

// deleteDirectly destroys the key of state as Terraform does, through the protocol server: a
// destroy plan of plannedFrom (which announces the removal), then the apply of that plan on
// state, with a client of the mock that makes one attempt per call. announce = false applies
// without the plan's private data, as a plan that did not announce the removal.
func deleteDirectly(t *testing.T, m *kmsmock.Server, plannedFrom, state keyResourceModel, announce bool) []*tfprotov6.Diagnostic {
	t.Helper()
	p := newProtocolTestProvider(t, m, map[string]attr.Value{"max_retries": types.Int64Value(0)})
	var plannedPrivate []byte
	if announce {
		plannedPrivate = p.destroyPlanPrivate(plannedFrom)
		m.ResetJournal() // the calls of the plan (the key's last use) are not Delete's
	}
	applied, err := p.server.ApplyResourceChange(context.Background(), &tfprotov6.ApplyResourceChangeRequest{
		TypeName: keyResourceTypeName, PriorState: p.value(state), PlannedState: p.null(), Config: p.null(),
		PlannedPrivate: plannedPrivate,
	})
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	return applied.Diagnostics
}

func stateOfMockKey(key kmsmock.Key, policy string, protected bool) keyResourceModel {
	return withNullExtras(keyResourceModel{
		keyModel: keyModel{
			ID:                   types.StringValue(key.KeyTag),
			KeyTag:               types.StringValue(key.KeyTag),
			Name:                 types.StringValue(key.KeyName),
			Type:                 types.StringValue(key.KeyType),
			ProtectionType:       types.StringValue(key.ProtectionType),
			Memo:                 types.StringValue(""),
			Convergent:           types.BoolValue(false),
			RotationPeriodDays:   types.Int64Null(),
			Enabled:              types.BoolValue(key.Status == kmsapi.StatusEnable),
			Status:               types.StringValue(key.Status),
			CurrentVersion:       types.Int64Value(1),
			NRN:                  types.StringNull(),
			CreatedAt:            types.StringNull(),
			NextRotationAt:       types.StringNull(),
			DeletionScheduledFor: types.StringNull(),
		},
		DeletionPolicy:     types.StringValue(policy),
		DeletionProtection: types.BoolValue(protected),
		RestoreIfPending:   types.BoolValue(false),
	})
}

// testAccPendingMockKey creates a key in the mock and requests its deletion.
func testAccPendingMockKey(t *testing.T, m *kmsmock.Server, name string) kmsmock.Key {
	t.Helper()
	key := testAccMockKey(t, m, kmsmock.KeySpec{Name: name})
	if err := m.RequestDeletion(key.KeyTag); err != nil {
		t.Fatal(err)
	}
	key, _ = m.Key(key.KeyTag)
	return key
}

// requireNoMutatingCalls asserts that the journal holds reads only.
func requireNoMutatingCalls(t *testing.T, m *kmsmock.Server) {
	t.Helper()
	if calls := mutatingCalls(m); len(calls) > 0 {
		t.Fatalf("mutating calls: %q (journal %q)", calls, journalCalls(m))
	}
}

// requireNothingChanged checks that no call changed anything and the key is as it was.
func requireNothingChanged(t *testing.T, m *kmsmock.Server, before kmsmock.Key) {
	t.Helper()
	requireNoMutatingCalls(t, m)
	cliRequireMockStatus(t, m, before.KeyTag, before.Status)
	if n := len(m.Keys()); n != 1 {
		t.Fatalf("the mock holds %d keys, want only %s", n, before.KeyTag)
	}
}
