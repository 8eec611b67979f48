package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

const keyDataSourceAddress = "data.ncloudkms_key.test"

func TestAccKeyDataSource_byTag(t *testing.T) {
	mock := testAccMock(t)
	created, err := mock.CreateKey(kmsmock.KeySpec{Name: "orders-key", Type: "AES256", ProtectionType: "BASIC",
		Memo: "orders database", Convergent: true, RotationDays: 30})
	if err != nil {
		t.Fatal(err)
	}
	key, _ := mock.Key(created.KeyTag)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: testAccProviderConfig(mock) + testAccKeyDataSourceConfig_byTag(key.KeyTag),
			ConfigStateChecks: []statecheck.StateCheck{
				expectMockCalls(mock, "GET /keys/"+key.KeyTag),
				statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("id"), knownvalue.StringExact(key.KeyTag)),
				statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("key_tag"), knownvalue.StringExact(key.KeyTag)),
				statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("name"), knownvalue.StringExact("orders-key")),
				statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("type"), knownvalue.StringExact("AES256")),
				statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("protection_type"), knownvalue.StringExact("BASIC")),
				statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("memo"), knownvalue.StringExact("orders database")),
				statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("convergent"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("rotation_period_days"), knownvalue.Int64Exact(30)),
				statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("status"), knownvalue.StringExact("ENABLE")),
				statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("current_version"), knownvalue.Int64Exact(1)),
				statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("nrn"), knownvalue.StringExact(key.NRN)),
				statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("created_at"), knownvalue.StringExact(rfc3339UTC(key.RegisterDate))),
				statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("next_rotation_at"), knownvalue.StringExact(rfc3339UTC(key.NextRotationDate))),
				statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("deletion_scheduled_for"), knownvalue.Null()),
			},
		}},
	})
}

func TestAccKeyDataSource_byTagWithoutRotation(t *testing.T) {
	mock := testAccMock(t)
	key := testAccMockKeys(t, mock, "plain-key")[0]
	if err := mock.DisableKey(key.KeyTag); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: testAccProviderConfig(mock) + testAccKeyDataSourceConfig_byTag(key.KeyTag),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("status"), knownvalue.StringExact("DISABLE")),
				statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("enabled"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("memo"), knownvalue.StringExact("")),
				statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("convergent"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("rotation_period_days"), knownvalue.Null()),
				statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("next_rotation_at"), knownvalue.Null()),
				statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("deletion_scheduled_for"), knownvalue.Null()),
			},
		}},
	})
}

func TestAccKeyDataSource_byName(t *testing.T) {
	mock := testAccMock(t)
	keys := testAccMockKeys(t, mock, "alpha-key", "Billing-Key", "gamma-key")
	billing := keys[1]
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: testAccProviderConfig(mock) + testAccKeyDataSourceConfig_byName("Billing-Key"),
			ConfigStateChecks: []statecheck.StateCheck{
				expectMockCalls(mock, "GET /keys?pageNo=1&pageSize=200", "GET /keys/"+billing.KeyTag),
				statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("key_tag"), knownvalue.StringExact(billing.KeyTag)),
				statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("name"), knownvalue.StringExact("Billing-Key")),
				statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("nrn"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("current_version"), knownvalue.Int64Exact(1)),
			},
		}},
	})
}

// A name is compared case-insensitively, as NCloud does; the state holds the name as stored.
func TestAccKeyDataSource_byNameOtherCase(t *testing.T) {
	mock := testAccMock(t)
	key := testAccMockKeys(t, mock, "Billing-Key")[0]
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: testAccProviderConfig(mock) + testAccKeyDataSourceConfig_byName("billing-KEY"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("key_tag"), knownvalue.StringExact(key.KeyTag)),
				statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("name"), knownvalue.StringExact("Billing-Key")),
			},
		}},
	})
}

func TestAccKeyDataSource_notFoundByTag(t *testing.T) {
	mock := testAccMock(t)
	testAccMockKeys(t, mock, "other-key")
	const missingTag = "0000000000000000000000000000000000000000000000000000000000000000"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config:      testAccProviderConfig(mock) + testAccKeyDataSourceConfig_byTag(missingTag),
			ExpectError: regexp.MustCompile(`(?s)Key not found.*No KMS key has the key tag\s+"` + missingTag + `".*HTTP\s+404`),
		}},
	})
}

func TestAccKeyDataSource_notFoundByName(t *testing.T) {
	mock := testAccMock(t)
	testAccMockKeys(t, mock, "other-key")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config:      testAccProviderConfig(mock) + testAccKeyDataSourceConfig_byName("missing-key"),
			ExpectError: regexp.MustCompile(`(?s)Key not found.*No KMS key is named "missing-key"`),
		}},
	})
	for _, call := range mock.Journal() {
		if call.Path != "/kms/v1/keys" {
			t.Errorf("a name that matches nothing must not lead to a key read; got %+v", call)
		}
	}
}

func TestAccKeyDataSource_bothTagAndName(t *testing.T) {
	mock := testAccMock(t)
	key := testAccMockKeys(t, mock, "both-key")[0]
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config:      testAccProviderConfig(mock) + testAccKeyDataSourceConfig_tagAndName(key.KeyTag, "both-key"),
			ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*Exactly\s+one\s+of.*key_tag,name`),
		}},
	})
	expectNoAPICalls(t, mock)
}

func TestAccKeyDataSource_neitherTagNorName(t *testing.T) {
	mock := testAccMock(t)
	testAccMockKeys(t, mock, "some-key")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config:      testAccProviderConfig(mock) + testAccKeyDataSourceConfig_empty(),
			ExpectError: regexp.MustCompile(`(?s)Missing Attribute Configuration.*Exactly\s+one\s+of.*key_tag,name`),
		}},
	})
	expectNoAPICalls(t, mock)
}

func TestAccKeyDataSource_invalidName(t *testing.T) {
	mock := testAccMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config:      testAccProviderConfig(mock) + testAccKeyDataSourceConfig_byName("1-starts-with-digit"),
			ExpectError: regexp.MustCompile(`Invalid key name`),
		}},
	})
	expectNoAPICalls(t, mock)
}

func TestAccKeyDataSource_pendingDeletion(t *testing.T) {
	mock := testAccMock(t)
	key := testAccMockKeys(t, mock, "doomed-key")[0]
	if err := mock.RequestDeletion(key.KeyTag); err != nil {
		t.Fatal(err)
	}
	revoked, _ := mock.Key(key.KeyTag)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: testAccProviderConfig(mock) + testAccKeyDataSourceConfig_byTag(key.KeyTag),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("status"), knownvalue.StringExact("REVOKE")),
					statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("enabled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("deletion_scheduled_for"),
						knownvalue.StringExact(rfc3339UTC(revoked.DestroyDate))),
				},
			},
			{
				Config: testAccProviderConfig(mock) + testAccKeyDataSourceConfig_byName("doomed-key"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("key_tag"), knownvalue.StringExact(key.KeyTag)),
					statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("status"), knownvalue.StringExact("REVOKE")),
					statecheck.ExpectKnownValue(keyDataSourceAddress, tfjsonpath.New("deletion_scheduled_for"),
						knownvalue.StringExact(rfc3339UTC(revoked.DestroyDate))),
				},
			},
		},
	})
	if remaining := time.UnixMilli(revoked.DestroyDate).Sub(mock.Now()); remaining < 71*time.Hour {
		t.Errorf("mock scheduled the deletion %v from now; the test expects about 72h", remaining)
	}
}

// --- configurations ---

func testAccKeyDataSourceConfig_byTag(keyTag string) string {
	return fmt.Sprintf(`
data "ncloudkms_key" "test" {
  key_tag = %q
}
`, keyTag)
}

func testAccKeyDataSourceConfig_byName(name string) string {
	return fmt.Sprintf(`
data "ncloudkms_key" "test" {
  name = %q
}
`, name)
}

func testAccKeyDataSourceConfig_tagAndName(keyTag, name string) string {
	return fmt.Sprintf(`
data "ncloudkms_key" "test" {
  key_tag = %q
  name    = %q
}
`, keyTag, name)
}

func testAccKeyDataSourceConfig_empty() string {
	return `
data "ncloudkms_key" "test" {}
`
}

// rfc3339UTC is how the provider renders a wire timestamp.
func rfc3339UTC(millis int64) string {
	return time.UnixMilli(millis).UTC().Format(time.RFC3339)
}
