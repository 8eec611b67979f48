package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

// testAccKeyAddress is the resource address every ncloudkms_key acceptance config uses.
const testAccKeyAddress = "ncloudkms_key.test"

// apiPathPrefix is stripped from journal paths so that calls read like DESIGN.md §2: "POST /keys".
const apiPathPrefix = "/kms/v1"

// journalCalls returns the mock's journal as "METHOD /path" strings in arrival order, with the path
// relative to /kms/v1 and without the query: "POST /keys", "GET /keys/<tag>", "POST /keys/<tag>/disable".
func journalCalls(m *kmsmock.Server) []string {
	journal := m.Journal()
	calls := make([]string, len(journal))
	for i, c := range journal {
		calls[i] = c.Method + " " + strings.TrimPrefix(c.Path, apiPathPrefix)
	}
	return calls
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
	return func(s *terraform.State) error {
		tag, err := stateKeyTag(s)
		if err != nil {
			return err
		}
		return compareCalls("apply calls", fromFirstChange(journalCalls(m)), expandTag(tag, expected), journalCalls(m))
	}
}

// testAccCheckCallsWithoutLists asserts the step's whole journal, key listings left out.
func testAccCheckCallsWithoutLists(m *kmsmock.Server, expected ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		tag, err := stateKeyTag(s)
		if err != nil {
			return err
		}
		return compareCalls("calls (listings left out)", withoutListCalls(journalCalls(m)), expandTag(tag, expected), journalCalls(m))
	}
}

// testAccCheckNoMutatingCalls asserts that the journal holds reads only.
func testAccCheckNoMutatingCalls(t *testing.T, m *kmsmock.Server) {
	t.Helper()
	if changes := slices.DeleteFunc(journalCalls(m), func(c string) bool { return !isMutatingCall(c) }); len(changes) > 0 {
		t.Errorf("expected no mutating call, got %q (journal %q)", changes, journalCalls(m))
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

// testAccMockKey creates a key directly in the mock, as in the console.
func testAccMockKey(t *testing.T, m *kmsmock.Server, spec kmsmock.KeySpec) kmsmock.Key {
	t.Helper()
	if spec.ProtectionType == "" {
		spec.ProtectionType = "BASIC"
	}
	key, err := m.CreateKey(spec)
	if err != nil {
		t.Fatalf("creating mock key %q: %s", spec.Name, err)
	}
	return key
}

// mustMock fails the test when a console-style action on the mock fails.
func mustMock(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("mock action: %s", err)
	}
}

// testAccKeyResourceConfig_basic is the smallest configuration: a name and a type.
func testAccKeyResourceConfig_basic(m *kmsmock.Server, name string) string {
	return testAccKeyResourceConfig_withArguments(m, name, "AES256", "")
}

// testAccKeyResourceConfig_withArguments adds raw argument lines to a key of the given name and type.
func testAccKeyResourceConfig_withArguments(m *kmsmock.Server, name, keyType, arguments string) string {
	return testAccProviderConfig(m) + fmt.Sprintf(`
resource "ncloudkms_key" "test" {
  name = %q
  type = %q
%s
}
`, name, keyType, arguments)
}

// testAccKeyResourceConfig_settings is a key with the in-place settings made explicit; rotationDays 0
// leaves rotation_period_days unset.
func testAccKeyResourceConfig_settings(m *kmsmock.Server, name, memo string, rotationDays int, enabled bool) string {
	arguments := fmt.Sprintf("  memo    = %q\n  enabled = %t\n", memo, enabled)
	if rotationDays != 0 {
		arguments += fmt.Sprintf("  rotation_period_days = %d\n", rotationDays)
	}
	return testAccKeyResourceConfig_withArguments(m, name, "AES256", arguments)
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
