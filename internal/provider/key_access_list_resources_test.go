package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

// The list resources ncloudkms_key_token_generator and ncloudkms_key_acl: the filters apply to
// the key, and each key that passes them costs one read of its generator or ACL.

const (
	tokenGeneratorListAddress = "ncloudkms_key_token_generator.test"
	aclListAddress            = "ncloudkms_key_acl.test"
)

// accessReads are the calls of a listing that reads sub (token-generator, acl) of each key, in order.
func accessReads(sub string, keys ...kmsmock.Key) []string {
	calls := []string{"GET /keys?pageNo=1&pageSize=200"}
	for _, key := range keys {
		calls = append(calls, "GET /keys/"+key.KeyTag+"/"+sub)
	}
	return calls
}

// byKeyTag selects the result of key.
func byKeyTag(key kmsmock.Key) queryfilter.QueryFilter {
	return queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"key_tag": knownvalue.StringExact(key.KeyTag)})
}

func TestAccKeyTokenGeneratorList_all(t *testing.T) {
	mock := testAccMock(t)
	keys := seedKeyMix(t, mock)
	withGenerator := []kmsmock.Key{keys["app-aes"], keys["old-aes"]}
	for _, key := range withGenerator {
		mustMock(t, mock.CreateTokenGenerator(key.KeyTag))
	}
	testAccQueryTest(t, Options{}, resource.TestStep{
		Config: testAccKeyListQuery(mock, keyTokenGeneratorTypeName, ""),
		QueryResultChecks: append(expectListedKeys(tokenGeneratorListAddress, "token generator", withGenerator...),
			expectMockQueryCalls(mock, accessReads("token-generator", keys["app-aes"], keys["app-rsa"], keys["db-aes"],
				keys["db-ecdsa"], keys["old-aes"])...)),
	})
}

// TestAccKeyTokenGeneratorList_includeResource: the filters apply to the key; the generator's read
// gives the resource, with deletion_protection null.
func TestAccKeyTokenGeneratorList_includeResource(t *testing.T) {
	mock := testAccMock(t)
	keys := seedKeyMix(t, mock)
	appAES := keys["app-aes"]
	mustMock(t, mock.CreateTokenGenerator(appAES.KeyTag))
	mustMock(t, mock.CreateTokenGenerator(keys["app-rsa"].KeyTag)) // filtered out: DISABLE
	generator, err := mock.TokenGenerator(appAES.KeyTag)
	mustMock(t, err)
	testAccQueryTest(t, Options{}, resource.TestStep{
		Config: testAccKeyListQuery(mock, keyTokenGeneratorTypeName, "  include_resource = true\n  config {\n    status = \"ENABLE\"\n  }\n"),
		QueryResultChecks: append(expectListedKeys(tokenGeneratorListAddress, "token generator", appAES),
			querycheck.ExpectResourceKnownValues(tokenGeneratorListAddress, byKeyTag(appAES), knownValueChecks(map[string]knownvalue.Check{
				"id": knownvalue.StringExact(appAES.KeyTag), "key_tag": knownvalue.StringExact(appAES.KeyTag),
				"generator_id": knownvalue.StringExact(generator.TokenGeneratorID), "status": knownvalue.StringExact(generator.Status),
				"enabled_at":          knownvalue.StringExact(rfc3339UTC(generator.EnabledDate)),
				"issued_token_count":  knownvalue.Int64Exact(0),
				"regenerate_triggers": knownvalue.Null(), "deletion_protection": knownvalue.Null(),
			})),
			expectMockQueryCalls(mock, accessReads("token-generator", appAES, keys["db-ecdsa"])...)),
	})
}

// TestAccKeyTokenGeneratorList_limit: the listing reads no generator beyond the limit.
func TestAccKeyTokenGeneratorList_limit(t *testing.T) {
	mock := testAccMock(t)
	keys := seedKeyMix(t, mock)
	for _, key := range keys {
		mustMock(t, mock.CreateTokenGenerator(key.KeyTag))
	}
	testAccQueryTest(t, Options{}, resource.TestStep{
		Config: testAccKeyListQuery(mock, keyTokenGeneratorTypeName, "  limit = 2\n"),
		QueryResultChecks: append(expectListedKeys(tokenGeneratorListAddress, "token generator", keys["app-aes"], keys["app-rsa"]),
			expectMockQueryCalls(mock, accessReads("token-generator", keys["app-aes"], keys["app-rsa"])...)),
	})
}

// TestAccKeyACLList_all: an ACL is listed when it is on or lists an address; one off and empty, as
// every new key has it, is not.
func TestAccKeyACLList_all(t *testing.T) {
	mock := testAccMock(t)
	keys := seedKeyMix(t, mock)
	onWithAddress, offWithAddresses, onEmpty := keys["app-aes"], keys["db-aes"], keys["old-aes"]
	mustMock(t, mock.AddAllowedIPs(onWithAddress.KeyTag, "203.0.113.7"))
	mustMock(t, mock.EnableACL(onWithAddress.KeyTag))
	mustMock(t, mock.AddAllowedIPs(offWithAddresses.KeyTag, "203.0.113.7", "203.0.113.8"))
	mustMock(t, mock.EnableACL(onEmpty.KeyTag))
	testAccQueryTest(t, Options{}, resource.TestStep{
		Config: testAccKeyListQuery(mock, keyACLTypeName, ""),
		QueryResultChecks: append(expectListed(aclListAddress, listedResult{onWithAddress, "IP ACL on, 1 address"},
			listedResult{offWithAddresses, "IP ACL off, 2 addresses"}, listedResult{onEmpty, "IP ACL on, 0 addresses"}),
			expectMockQueryCalls(mock, accessReads("acl", keys["app-aes"], keys["app-rsa"], keys["db-aes"], keys["db-ecdsa"],
				keys["old-aes"])...)),
	})
}

// TestAccKeyACLList_includeResource: the filters apply to the key; the ACL's read gives the resource.
func TestAccKeyACLList_includeResource(t *testing.T) {
	mock := testAccMock(t)
	keys := seedKeyMix(t, mock)
	dbAES := keys["db-aes"]
	mustMock(t, mock.AddAllowedIPs(dbAES.KeyTag, "203.0.113.8", "203.0.113.7"))
	mustMock(t, mock.EnableACL(keys["app-aes"].KeyTag)) // filtered out by name
	testAccQueryTest(t, Options{}, resource.TestStep{
		Config: testAccKeyListQuery(mock, keyACLTypeName, "  include_resource = true\n  config {\n    name_regex = \"^db-\"\n  }\n"),
		QueryResultChecks: append(expectListedKeys(aclListAddress, "IP ACL off, 2 addresses", dbAES),
			querycheck.ExpectResourceKnownValues(aclListAddress, byKeyTag(dbAES), knownValueChecks(map[string]knownvalue.Check{
				"id": knownvalue.StringExact(dbAES.KeyTag), "key_tag": knownvalue.StringExact(dbAES.KeyTag),
				"enabled": knownvalue.Bool(false),
				"allowed_ips": knownvalue.SetExact([]knownvalue.Check{
					knownvalue.StringExact("203.0.113.7"), knownvalue.StringExact("203.0.113.8")}),
			})),
			expectMockQueryCalls(mock, accessReads("acl", dbAES, keys["db-ecdsa"])...)),
	})
}

// knownValueChecks are checks of top-level attributes of a listed resource.
func knownValueChecks(want map[string]knownvalue.Check) []querycheck.KnownValueCheck {
	var checks []querycheck.KnownValueCheck
	for attribute, check := range want {
		checks = append(checks, querycheck.KnownValueCheck{Path: tfjsonpath.New(attribute), KnownValue: check})
	}
	return checks
}
