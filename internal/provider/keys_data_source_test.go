package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

const keysDataSourceAddress = "data.ncloudkms_keys.test"

// seedKeyMix creates one key per combination the filters tell apart, in this order:
// app-aes (AES256, ENABLE), app-rsa (RSA2048, DISABLE), db-aes (AES256, DISABLE),
// db-ecdsa (ECDSA, ENABLE), old-aes (AES256, REVOKE).
func seedKeyMix(t *testing.T, mock *kmsmock.Server) map[string]kmsmock.Key {
	t.Helper()
	specs := []struct {
		name, keyType string
		disable       bool
		revoke        bool
	}{
		{"app-aes", "AES256", false, false},
		{"app-rsa", "RSA2048", true, false},
		{"db-aes", "AES256", true, false},
		{"db-ecdsa", "ECDSA", false, false},
		{"old-aes", "AES256", false, true},
	}
	keys := map[string]kmsmock.Key{}
	for _, spec := range specs {
		key, err := mock.CreateKey(kmsmock.KeySpec{Name: spec.name, Type: spec.keyType, ProtectionType: "BASIC"})
		if err != nil {
			t.Fatal(err)
		}
		if spec.disable {
			err = mock.DisableKey(key.KeyTag)
		}
		if spec.revoke {
			err = mock.RequestDeletion(key.KeyTag)
		}
		if err != nil {
			t.Fatal(err)
		}
		keys[spec.name], _ = mock.Key(key.KeyTag)
	}
	return keys
}

func TestAccKeysDataSource_all(t *testing.T) {
	mock := testAccMock(t)
	keys := seedKeyMix(t, mock)
	appAES, oldAES := keys["app-aes"], keys["old-aes"]
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: testAccProviderConfig(mock) + testAccKeysDataSourceConfig_filters("", "", ""),
			ConfigStateChecks: append(expectKeyNames(keysDataSourceAddress, "app-aes", "app-rsa", "db-aes", "db-ecdsa", "old-aes"),
				expectMockCalls(mock, "GET /keys?pageNo=1&pageSize=200"),
				statecheck.ExpectKnownValue(keysDataSourceAddress, tfjsonpath.New("ids").AtSliceIndex(0), knownvalue.StringExact(appAES.KeyTag)),
				statecheck.ExpectKnownValue(keysDataSourceAddress, tfjsonpath.New("keys").AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"key_tag":                knownvalue.StringExact(appAES.KeyTag),
					"name":                   knownvalue.StringExact("app-aes"),
					"type":                   knownvalue.StringExact("AES256"),
					"status":                 knownvalue.StringExact("ENABLE"),
					"protection_type":        knownvalue.StringExact("BASIC"),
					"convergent":             knownvalue.Bool(false),
					"created_at":             knownvalue.StringExact(rfc3339UTC(appAES.RegisterDate)),
					"deletion_scheduled_for": knownvalue.Null(),
				})),
				statecheck.ExpectKnownValue(keysDataSourceAddress, tfjsonpath.New("keys").AtSliceIndex(4), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"key_tag":                knownvalue.StringExact(oldAES.KeyTag),
					"status":                 knownvalue.StringExact("REVOKE"),
					"deletion_scheduled_for": knownvalue.StringExact(rfc3339UTC(oldAES.DestroyDate)),
				})),
			),
		}},
	})
}

func TestAccKeysDataSource_noKeys(t *testing.T) {
	mock := testAccMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: testAccProviderConfig(mock) + testAccKeysDataSourceConfig_all(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.ncloudkms_keys.all", tfjsonpath.New("keys"), knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownValue("data.ncloudkms_keys.all", tfjsonpath.New("ids"), knownvalue.ListSizeExact(0)),
			},
		}},
	})
}

func TestAccKeysDataSource_filterByStatus(t *testing.T) {
	mock := testAccMock(t)
	seedKeyMix(t, mock)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config:            testAccProviderConfig(mock) + testAccKeysDataSourceConfig_filters("DISABLE", "", ""),
				ConfigStateChecks: expectKeyNames(keysDataSourceAddress, "app-rsa", "db-aes"),
			},
			{
				Config:            testAccProviderConfig(mock) + testAccKeysDataSourceConfig_filters("REVOKE", "", ""),
				ConfigStateChecks: expectKeyNames(keysDataSourceAddress, "old-aes"),
			},
		},
	})
}

func TestAccKeysDataSource_filterByType(t *testing.T) {
	mock := testAccMock(t)
	seedKeyMix(t, mock)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config:            testAccProviderConfig(mock) + testAccKeysDataSourceConfig_filters("", "AES256", ""),
				ConfigStateChecks: expectKeyNames(keysDataSourceAddress, "app-aes", "db-aes", "old-aes"),
			},
			{
				Config:            testAccProviderConfig(mock) + testAccKeysDataSourceConfig_filters("", "ECDSA", ""),
				ConfigStateChecks: expectKeyNames(keysDataSourceAddress, "db-ecdsa"),
			},
		},
	})
}

func TestAccKeysDataSource_filterByNameRegex(t *testing.T) {
	mock := testAccMock(t)
	seedKeyMix(t, mock)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config:            testAccProviderConfig(mock) + testAccKeysDataSourceConfig_filters("", "", "^db-"),
				ConfigStateChecks: expectKeyNames(keysDataSourceAddress, "db-aes", "db-ecdsa"),
			},
			{
				// Unanchored, case-sensitive unless (?i) says otherwise.
				Config:            testAccProviderConfig(mock) + testAccKeysDataSourceConfig_filters("", "", "(?i)AES$"),
				ConfigStateChecks: expectKeyNames(keysDataSourceAddress, "app-aes", "db-aes", "old-aes"),
			},
			{
				Config:            testAccProviderConfig(mock) + testAccKeysDataSourceConfig_filters("", "", "AES"),
				ConfigStateChecks: expectKeyNames(keysDataSourceAddress),
			},
		},
	})
}

func TestAccKeysDataSource_filtersCombined(t *testing.T) {
	mock := testAccMock(t)
	keys := seedKeyMix(t, mock)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: testAccProviderConfig(mock) + testAccKeysDataSourceConfig_filters("DISABLE", "AES256", "-aes$"),
			ConfigStateChecks: append(expectKeyNames(keysDataSourceAddress, "db-aes"),
				statecheck.ExpectKnownValue(keysDataSourceAddress, tfjsonpath.New("ids"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(keys["db-aes"].KeyTag)}))),
		}},
	})
}

func TestAccKeysDataSource_invalidFilters(t *testing.T) {
	mock := testAccMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config:      testAccProviderConfig(mock) + testAccKeysDataSourceConfig_filters("ENABLED", "", ""),
				ExpectError: regexp.MustCompile(`(?s)status\s+value\s+must\s+be\s+one\s+of.*"ENABLE"\s+"DISABLE"\s+"REVOKE"`),
			},
			{
				Config:      testAccProviderConfig(mock) + testAccKeysDataSourceConfig_filters("", "AES128", ""),
				ExpectError: regexp.MustCompile(`(?s)type\s+value\s+must\s+be\s+one\s+of.*"AES256"\s+"RSA2048"\s+"ECDSA"`),
			},
			{
				Config:      testAccProviderConfig(mock) + testAccKeysDataSourceConfig_filters("", "", "db-("),
				ExpectError: regexp.MustCompile(`(?s)Invalid regular expression.*name_regex.*missing\s+closing\s+\)`),
			},
		},
	})
	expectNoAPICalls(t, mock)
}

// 450 keys span three pages of 200; every one comes back, in creation order.
func TestAccKeysDataSource_allPages(t *testing.T) {
	mock := testAccMock(t)
	const count = 450
	for i := range count {
		if _, err := mock.CreateKey(kmsmock.KeySpec{Name: fmt.Sprintf("key-%03d", i), Type: "AES256", ProtectionType: "BASIC"}); err != nil {
			t.Fatal(err)
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: testAccProviderConfig(mock) + testAccKeysDataSourceConfig_all(),
			ConfigStateChecks: []statecheck.StateCheck{
				expectMockCalls(mock,
					"GET /keys?pageNo=1&pageSize=200",
					"GET /keys?pageNo=2&pageSize=200",
					"GET /keys?pageNo=3&pageSize=200"),
				statecheck.ExpectKnownValue("data.ncloudkms_keys.all", tfjsonpath.New("keys"), knownvalue.ListSizeExact(count)),
				statecheck.ExpectKnownValue("data.ncloudkms_keys.all", tfjsonpath.New("ids"), knownvalue.ListSizeExact(count)),
				statecheck.ExpectKnownValue("data.ncloudkms_keys.all", tfjsonpath.New("keys").AtSliceIndex(0).AtMapKey("name"),
					knownvalue.StringExact("key-000")),
				statecheck.ExpectKnownValue("data.ncloudkms_keys.all", tfjsonpath.New("keys").AtSliceIndex(200).AtMapKey("name"),
					knownvalue.StringExact("key-200")),
				statecheck.ExpectKnownValue("data.ncloudkms_keys.all", tfjsonpath.New("keys").AtSliceIndex(count-1).AtMapKey("name"),
					knownvalue.StringExact("key-449")),
			},
		}},
	})
}

// --- configurations ---

func testAccKeysDataSourceConfig_all() string {
	return `
data "ncloudkms_keys" "all" {}
`
}

// testAccKeysDataSourceConfig_filters leaves out the filters that are empty.
func testAccKeysDataSourceConfig_filters(status, keyType, nameRegex string) string {
	config := "\ndata \"ncloudkms_keys\" \"test\" {\n"
	if status != "" {
		config += fmt.Sprintf("  status = %q\n", status)
	}
	if keyType != "" {
		config += fmt.Sprintf("  type = %q\n", keyType)
	}
	if nameRegex != "" {
		config += fmt.Sprintf("  name_regex = %q\n", nameRegex)
	}
	return config + "}\n"
}
