package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// The list resource ncloudkms_key (`terraform query`, Terraform 1.14+): its filters, results, costs
// and limit. The round trip through -generate-config-out is in key_list_generate_config_test.go.

// keyListAddress is the address of the list block of testAccKeyListQuery in query results.
const keyListAddress = "ncloudkms_key.test"

// testAccKeyListQuery is a query file with the provider block and one list block of typeName
// labelled "test", with body (a config block, include_resource, limit) inside it.
func testAccKeyListQuery(m *kmsmock.Server, typeName, body string) string {
	return testAccProviderConfig(m) + fmt.Sprintf(`
list %q "test" {
  provider = ncloudkms
%s}
`, typeName, body)
}

// testAccQueryTest runs `terraform query` steps (Query is set on each) against the provider built
// with opts, on a CLI that has list resources.
func testAccQueryTest(t *testing.T, opts Options, steps ...resource.TestStep) {
	t.Helper()
	for i := range steps {
		steps[i].Query = true
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactoriesWith(opts),
		TerraformVersionChecks:   cliFeatureChecks(featureListResources),
		Steps:                    steps,
	})
}

// expectListedKeys checks that the list block at address found exactly keys, each with its key tag
// as identity and its display name: the key's name, a pending key's deletion date, and about.
func expectListedKeys(address, about string, keys ...kmsmock.Key) []querycheck.QueryResultCheck {
	results := make([]listedResult, len(keys))
	for i, key := range keys {
		results[i] = listedResult{key, about}
	}
	return expectListed(address, results...)
}

// listedResult is an expected result: the key it is about, and what its display name says after
// the key's.
type listedResult struct {
	key   kmsmock.Key
	about string
}

// expectListed checks that the list block at address found exactly these results.
func expectListed(address string, results ...listedResult) []querycheck.QueryResultCheck {
	checks := []querycheck.QueryResultCheck{querycheck.ExpectLength(address, len(results))}
	for _, r := range results {
		identity := map[string]knownvalue.Check{"key_tag": knownvalue.StringExact(r.key.KeyTag)}
		checks = append(checks,
			querycheck.ExpectIdentity(address, identity),
			querycheck.ExpectResourceDisplayName(address, queryfilter.ByResourceIdentity(identity),
				knownvalue.StringExact(listedKeyDisplayName(r.key, r.about))))
	}
	return checks
}

// listedKeyDisplayName is the display name a result of key has, written out from the mock's key.
func listedKeyDisplayName(key kmsmock.Key, about string) string {
	name := key.KeyName
	if key.Status == "REVOKE" {
		name += " (pending deletion, deleted on " + rfc3339UTC(key.DestroyDate) + ")"
	}
	if about != "" {
		name += ": " + about
	}
	return name
}

func TestAccKeyList_all(t *testing.T) {
	mock := testAccMock(t)
	keys := seedKeyMix(t, mock)
	testAccQueryTest(t, Options{}, resource.TestStep{
		Config: testAccKeyListQuery(mock, keyResourceTypeName, ""),
		QueryResultChecks: append(expectListedKeys(keyListAddress, "", keys["app-aes"], keys["app-rsa"], keys["db-aes"],
			keys["db-ecdsa"], keys["old-aes"]),
			// Without include_resource the key list says everything: one page, no key read.
			expectMockQueryCalls(mock, "GET /keys?pageNo=1&pageSize=200")),
	})
}

func TestAccKeyList_filters(t *testing.T) {
	mock := testAccMock(t)
	keys := seedKeyMix(t, mock)
	step := func(filters string, want ...kmsmock.Key) resource.TestStep {
		return resource.TestStep{
			Config:            testAccKeyListQuery(mock, keyResourceTypeName, "  config {\n"+filters+"  }\n"),
			QueryResultChecks: expectListedKeys(keyListAddress, "", want...),
		}
	}
	testAccQueryTest(t, Options{},
		step(`    status = "DISABLE"`+"\n", keys["app-rsa"], keys["db-aes"]),
		step(`    status = "REVOKE"`+"\n", keys["old-aes"]),
		step(`    type = "AES256"`+"\n", keys["app-aes"], keys["db-aes"], keys["old-aes"]),
		// Unanchored, case-sensitive unless (?i) says otherwise, as in the data source.
		step(`    name_regex = "^db-"`+"\n", keys["db-aes"], keys["db-ecdsa"]),
		step(`    name_regex = "(?i)AES$"`+"\n", keys["app-aes"], keys["db-aes"], keys["old-aes"]),
		step(`    status = "DISABLE"`+"\n"+`    type = "AES256"`+"\n"+`    name_regex = "-aes$"`+"\n", keys["db-aes"]),
	)
}

func TestAccKeyList_invalidFilters(t *testing.T) {
	mock := testAccMock(t)
	step := func(filter string, want *regexp.Regexp) resource.TestStep {
		return resource.TestStep{
			Config:      testAccKeyListQuery(mock, keyResourceTypeName, "  config {\n    "+filter+"\n  }\n"),
			ExpectError: want,
		}
	}
	testAccQueryTest(t, Options{},
		step(`status = "ENABLED"`, regexp.MustCompile(`(?s)status\s+value\s+must\s+be\s+one\s+of.*"ENABLE"\s+"DISABLE"\s+"REVOKE"`)),
		step(`type = "AES128"`, regexp.MustCompile(`(?s)type\s+value\s+must\s+be\s+one\s+of.*"AES256"\s+"RSA2048"\s+"ECDSA"`)),
		step(`name_regex = "db-("`, regexp.MustCompile(`(?s)Invalid regular expression.*name_regex.*missing\s+closing\s+\)`)),
	)
	expectNoAPICalls(t, mock)
}

// TestAccKeyList_includeResource: each result carries what an import followed by a refresh records,
// with one key read per result, and the state-only arguments null (generated configuration leaves
// them to the provider's defaults).
func TestAccKeyList_includeResource(t *testing.T) {
	mock := testAccMock(t)
	keys := seedKeyMix(t, mock)
	rotating := testAccMockKey(t, mock, kmsmock.KeySpec{Name: "rotating", Type: "AES256", Memo: "orders", Convergent: true, RotationDays: 30})
	pending := keys["old-aes"]
	testAccQueryTest(t, Options{}, resource.TestStep{
		Config: testAccKeyListQuery(mock, keyResourceTypeName, "  include_resource = true\n  config {\n    name_regex = \"^(old-aes|rotating)$\"\n  }\n"),
		QueryResultChecks: append(expectListedKeys(keyListAddress, "", pending, rotating),
			expectListedKeyResource(rotating, map[string]knownvalue.Check{
				"id": knownvalue.StringExact(rotating.KeyTag), "name": knownvalue.StringExact("rotating"),
				"type": knownvalue.StringExact("AES256"), "protection_type": knownvalue.StringExact("BASIC"),
				"memo": knownvalue.StringExact("orders"), "convergent": knownvalue.Bool(true),
				"rotation_period_days": knownvalue.Int64Exact(30), "enabled": knownvalue.Bool(true),
				"status": knownvalue.StringExact("ENABLE"), "current_version": knownvalue.Int64Exact(1),
				"nrn": knownvalue.StringExact(rotating.NRN), "created_at": knownvalue.StringExact(rfc3339UTC(rotating.RegisterDate)),
				"next_rotation_at":       knownvalue.StringExact(rfc3339UTC(rotating.NextRotationDate)),
				"deletion_scheduled_for": knownvalue.Null(),
				"deletion_policy":        knownvalue.Null(), "deletion_protection": knownvalue.Null(),
				"restore_if_pending": knownvalue.Null(), "refuse_deletion_if_used_within": knownvalue.Null(),
				"rotation_triggers": knownvalue.Null(), "disabled_versions": knownvalue.Null(), "timeouts": knownvalue.Null(),
			}),
			expectListedKeyResource(pending, map[string]knownvalue.Check{
				"status": knownvalue.StringExact("REVOKE"), "enabled": knownvalue.Bool(false), "memo": knownvalue.StringExact(""),
				"rotation_period_days":   knownvalue.Null(),
				"deletion_scheduled_for": knownvalue.StringExact(rfc3339UTC(pending.DestroyDate)),
			}),
			expectMockQueryCalls(mock, "GET /keys?pageNo=1&pageSize=200", "GET /keys/"+pending.KeyTag, "GET /keys/"+rotating.KeyTag)),
	})
}

// TestAccKeyList_limit: the listing stops at the limit, and reads no page and no key beyond it.
func TestAccKeyList_limit(t *testing.T) {
	mock := testAccMock(t)
	var keys []kmsmock.Key
	for i := range 401 { // three pages of 200
		keys = append(keys, testAccMockKey(t, mock, kmsmock.KeySpec{Name: fmt.Sprintf("key-%03d", i), Type: "AES256"}))
	}
	step := func(body string, want []kmsmock.Key, calls ...string) resource.TestStep {
		return resource.TestStep{
			PreConfig:         mock.ResetJournal,
			Config:            testAccKeyListQuery(mock, keyResourceTypeName, body),
			QueryResultChecks: append(expectListedKeys(keyListAddress, "", want...), expectMockQueryCalls(mock, calls...)),
		}
	}
	page := func(n int) string { return fmt.Sprintf("GET /keys?pageNo=%d&pageSize=200", n) }
	testAccQueryTest(t, Options{},
		step("  limit = 2\n", keys[:2], page(1)),
		step("  limit = 2\n  include_resource = true\n", keys[:2], page(1), "GET /keys/"+keys[0].KeyTag, "GET /keys/"+keys[1].KeyTag),
		// The first match is on the second page: the third is not read.
		step("  limit = 1\n  config {\n    name_regex = \"^key-2\"\n  }\n", keys[200:201], page(1), page(2)),
		step("  limit = 1000\n  config {\n    name_regex = \"^key-400$\"\n  }\n", keys[400:], page(1), page(2), page(3)),
	)
}

// TestAccKeyList_keyGoneBeforeRead: a key deleted between the key list and its read is left out,
// without an error.
func TestAccKeyList_keyGoneBeforeRead(t *testing.T) {
	mock := testAccMock(t)
	keys := seedKeyMix(t, mock)
	gone := keys["app-rsa"]
	deleter := &deleteAfterKeyList{mock: mock, tag: gone.KeyTag}
	testAccQueryTest(t, Options{Transport: deleter}, resource.TestStep{
		Config: testAccKeyListQuery(mock, keyResourceTypeName, "  include_resource = true\n  config {\n    name_regex = \"^app-\"\n  }\n"),
		QueryResultChecks: append(expectListedKeys(keyListAddress, "", keys["app-aes"]),
			expectMockQueryCalls(mock, "GET /keys?pageNo=1&pageSize=200", "GET /keys/"+keys["app-aes"].KeyTag, "GET /keys/"+gone.KeyTag)),
	})
	if _, ok := mock.Key(gone.KeyTag); ok {
		t.Fatalf("key %s was not deleted during the query", gone.KeyName)
	}
}

// expectListedKeyResource checks attributes of the resource that a result of the list block
// testAccKeyListQuery carries for key.
func expectListedKeyResource(key kmsmock.Key, want map[string]knownvalue.Check) querycheck.QueryResultCheck {
	return querycheck.ExpectResourceKnownValues(keyListAddress, byKeyTag(key), knownValueChecks(want))
}

// deleteAfterKeyList deletes a key in the mock right after the provider's first key list answer, as
// someone would in the console between the list and the reads that follow it.
type deleteAfterKeyList struct {
	mock *kmsmock.Server
	tag  string
	once sync.Once
}

func (d *deleteAfterKeyList) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil && r.Method == http.MethodGet && r.URL.Path == apiPathPrefix+"/keys" {
		d.once.Do(func() {
			if err := d.mock.RequestDeletion(d.tag); err == nil {
				_ = d.mock.DeleteKey(d.tag) // the test checks that the key is gone
			}
		})
	}
	return resp, err
}

// TestAccKeyList_listingFailsPartWay: a page of the key list that fails after the first was read
// ends the query with an error that says how far the listing got and that it is incomplete;
// Terraform reports none of the block's results, and nothing but the two list pages is called.
func TestAccKeyList_listingFailsPartWay(t *testing.T) {
	wd, mock := newQueryWorkdir(t)
	testAccMockKeys(t, mock, slices.Collect(func(yield func(string) bool) {
		for i := range 201 { // two pages of 200
			if !yield(fmt.Sprintf("key-%03d", i)) {
				return
			}
		}
	})...)
	wd.SetConfig(cliProviderConfigNoRetries(mock))
	writeFile(t, wd.Dir(), "keys.tfquery.hcl", "list \"ncloudkms_key\" \"all\" {\n  provider = ncloudkms\n  limit    = 1000\n}\n")
	mock.InjectFault(kmsmock.Fault{Method: http.MethodGet, PathSuffix: "/kms/v1/keys", Status: http.StatusServiceUnavailable, After: 1})
	mock.ResetJournal()

	res := wd.Query()
	res.RequireFailure(t)
	tfcli.RequireDiagnostics(t, res, tfcli.Error("Key listing failed", ""))
	tfcli.RequireDetail(t, res, "error", "Key listing failed", "read 200 keys", "then could not read its next page",
		"incomplete", "HTTP 503")
	if len(res.Found) != 0 {
		t.Errorf("terraform query reported %d results of the failed block, want none", len(res.Found))
	}
	requireCLIJournal(t, mock, "GET /keys", "GET /keys")
}
