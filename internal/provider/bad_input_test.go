package provider

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// Bad input never reaches the API (DESIGN.md §5): every invalid configuration below fails at plan time
// (terraform plan, or terraform import for import IDs), the error names the attribute to fix, and
// the mock receives no call at all, so certainly no POST, PUT or DELETE.

// badInputCase is one invalid configuration.
type badInputCase struct {
	name      string
	config    func(m *kmsmock.Server) string // the whole configuration; it would create a key if it were valid
	importID  string                         // when set, run terraform import ncloudkms_key.test <importID> instead of plan
	attribute string                         // the attribute the error must name ("import ID" for imports)
	excerpt   string                         // a fragment of the error's summary or detail
	hidden    string                         // a value that must not appear anywhere in the output
}

const badInputKeyAddress = "ncloudkms_key.test"

// badInputKey is a valid key; the cases break one thing at a time around it.
const badInputKey = `
resource "ncloudkms_key" "test" {
  name = "valid-key"
  type = "AES256"
}
`

// badInputProvider is the provider block for the mock, with attributes replaced or added (raw HCL values).
func badInputProvider(m *kmsmock.Server, attributes map[string]string) string {
	values := map[string]string{
		"endpoint":   strconv.Quote(m.URL()),
		"access_key": strconv.Quote(m.AccessKey()),
		"secret_key": strconv.Quote(m.SecretKey()),
	}
	maps.Copy(values, attributes)
	var b strings.Builder
	b.WriteString("provider \"ncloudkms\" {\n")
	for _, name := range slices.Sorted(maps.Keys(values)) {
		fmt.Fprintf(&b, "  %s = %s\n", name, values[name])
	}
	b.WriteString("}\n")
	return b.String()
}

// badKeyArguments is a key whose body is the given argument lines.
func badKeyArguments(arguments string) func(*kmsmock.Server) string {
	return func(m *kmsmock.Server) string {
		return badInputProvider(m, nil) + "\nresource \"ncloudkms_key\" \"this\" {\n" + arguments + "\n}\n"
	}
}

// badKeyName is a valid AES256 key but for its name.
func badKeyName(name string) func(*kmsmock.Server) string {
	return badKeyArguments(fmt.Sprintf("  name = %q\n  type = \"AES256\"", name))
}

// badKeyAttribute is a valid key named valid-key with one more argument line.
func badKeyAttribute(keyType, argument string) func(*kmsmock.Server) string {
	return badKeyArguments(fmt.Sprintf("  name = \"valid-key\"\n  type = %q\n  %s", keyType, argument))
}

// badProviderSetting is the valid key under a provider block with attributes replaced or added.
func badProviderSetting(attributes map[string]string) func(*kmsmock.Server) string {
	return func(m *kmsmock.Server) string { return badInputProvider(m, attributes) + badInputKey }
}

// badDataSource is the mock's provider with one data source block.
func badDataSource(block string) func(*kmsmock.Server) string {
	return func(m *kmsmock.Server) string { return badInputProvider(m, nil) + "\n" + block + "\n" }
}

// badImportBlock is the valid key with an import block for id.
func badImportBlock(id string) func(*kmsmock.Server) string {
	return func(m *kmsmock.Server) string {
		return badInputProvider(m, nil) + badInputKey + fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", badInputKeyAddress, id)
	}
}

func badInputCases() []badInputCase {
	q := strconv.Quote
	return []badInputCase{
		// ncloudkms_key
		{name: "name pattern", config: badKeyName("my.key"), attribute: "name", excerpt: `contains '.'`},
		{name: "name with a space", config: badKeyName("my key"), attribute: "name", excerpt: `contains ' '`},
		{name: "name not ASCII", config: badKeyName("kéy-name"), attribute: "name", excerpt: `contains 'é'`},
		{name: "name too short", config: badKeyName("ab"), attribute: "name", excerpt: "2 characters long; it must be 3 to 15"},
		{name: "name too long", config: badKeyName("a234567890123456"), attribute: "name", excerpt: "16 characters long; it must be 3 to 15"},
		{name: "name starts with a digit", config: badKeyName("1key"), attribute: "name", excerpt: "must start with a letter"},
		{name: "name starts with an underscore", config: badKeyName("_key"), attribute: "name", excerpt: "must start with a letter"},
		{name: "name empty", config: badKeyName(""), attribute: "name", excerpt: "0 characters long"},
		{name: "type unknown", config: badKeyArguments(`  name = "valid-key"` + "\n" + `  type = "AES128"`), attribute: "type", excerpt: `"AES256"`},
		{name: "type lower case", config: badKeyArguments(`  name = "valid-key"` + "\n" + `  type = "aes256"`), attribute: "type", excerpt: `got: "aes256"`},
		{name: "type empty", config: badKeyArguments(`  name = "valid-key"` + "\n" + `  type = ""`), attribute: "type", excerpt: "must be one of"},
		{name: "protection type unknown", config: badKeyAttribute("AES256", `protection_type = "HSM"`), attribute: "protection_type", excerpt: `"COMMON_HSM"`},
		{name: "protection type lower case", config: badKeyAttribute("AES256", `protection_type = "basic"`), attribute: "protection_type", excerpt: `got: "basic"`},
		{name: "convergent with RSA2048", config: badKeyAttribute("RSA2048", `convergent = true`), attribute: "convergent", excerpt: `only allowed with type = "AES256"`},
		{name: "convergent with ECDSA", config: badKeyAttribute("ECDSA", `convergent = true`), attribute: "convergent", excerpt: `this key has type = "ECDSA"`},
		{name: "rotation 0", config: badKeyAttribute("AES256", `rotation_period_days = 0`), attribute: "rotation_period_days", excerpt: "between 1 and 730, got: 0"},
		{name: "rotation 731", config: badKeyAttribute("AES256", `rotation_period_days = 731`), attribute: "rotation_period_days", excerpt: "between 1 and 730, got: 731"},
		{name: "rotation negative", config: badKeyAttribute("AES256", `rotation_period_days = -30`), attribute: "rotation_period_days", excerpt: "got: -30"},
		{name: "memo 101 characters", config: badKeyAttribute("AES256", "memo = "+q(strings.Repeat("m", 101))), attribute: "memo", excerpt: "at most 100, got: 101"},
		{name: "memo 101 Hangul characters", config: badKeyAttribute("AES256", "memo = "+q(strings.Repeat("키", 101))), attribute: "memo", excerpt: "at most 100, got: 101"},
		{name: "deletion policy unknown", config: badKeyAttribute("AES256", `deletion_policy = "DESTROY"`), attribute: "deletion_policy", excerpt: `"SCHEDULE"`},
		{name: "deletion policy lower case", config: badKeyAttribute("AES256", `deletion_policy = "delete"`), attribute: "deletion_policy", excerpt: `got: "delete"`},

		// provider
		{name: "access key empty", config: badProviderSetting(map[string]string{"access_key": `""`}), attribute: "access_key", excerpt: "access_key is set to an empty string"},
		{name: "secret key empty", config: badProviderSetting(map[string]string{"secret_key": `""`}), attribute: "secret_key", excerpt: "secret_key is set to an empty string"},
		{name: "both keys empty", config: badProviderSetting(map[string]string{"access_key": `""`, "secret_key": `""`}), attribute: "secret_key", excerpt: "secret_key is set to an empty string"},
		{name: "secret key with a trailing newline", config: badProviderSetting(map[string]string{"secret_key": `"s3cretWithNewline0042\n"`}),
			attribute: "secret_key", excerpt: "secret key from the provider's secret_key attribute contains white space", hidden: "s3cretWithNewline0042"},
		{name: "site fin", config: badProviderSetting(map[string]string{"site": `"fin"`}), attribute: "site", excerpt: "financial site"},
		{name: "site unknown", config: badProviderSetting(map[string]string{"site": `"private"`}), attribute: "site", excerpt: `must be one of "public", "gov"`},
		{name: "site upper case", config: badProviderSetting(map[string]string{"site": `"PUBLIC"`}), attribute: "site", excerpt: `must be one of "public", "gov"`},
		{name: "key boundary unknown", config: badProviderSetting(map[string]string{"key_boundary": `"europe"`}), attribute: "key_boundary", excerpt: `"japan"`},
		{name: "key boundary with site gov", config: badProviderSetting(map[string]string{"site": `"gov"`, "key_boundary": `"korea"`}),
			attribute: "key_boundary", excerpt: `only available with site "public"`},
		{name: "endpoint http on a public host", config: badProviderSetting(map[string]string{"endpoint": `"http://ocapi.ncloud.com/kms/v1"`}),
			attribute: "endpoint", excerpt: "must use https://"},
		{name: "endpoint malformed", config: badProviderSetting(map[string]string{"endpoint": `"https://ocapi.ncloud.com:port/kms/v1"`}),
			attribute: "endpoint", excerpt: "not a valid URL"},
		{name: "endpoint without scheme", config: badProviderSetting(map[string]string{"endpoint": `"ocapi.ncloud.com/kms/v1"`}),
			attribute: "endpoint", excerpt: "absolute URL"},
		{name: "endpoint with a query", config: badProviderSetting(map[string]string{"endpoint": `"https://ocapi.ncloud.com/kms/v1?debug=1"`}),
			attribute: "endpoint", excerpt: "query string"},
		{name: "endpoint with a fragment", config: badProviderSetting(map[string]string{"endpoint": `"https://ocapi.ncloud.com/kms/v1#top"`}),
			attribute: "endpoint", excerpt: "fragment"},
		{name: "endpoint with a password", config: badProviderSetting(map[string]string{"endpoint": `"https://user:hunter2pass@ocapi.ncloud.com/kms/v1"`}),
			attribute: "endpoint", excerpt: "user name or password", hidden: "hunter2pass"},
		{name: "endpoint ftp", config: badProviderSetting(map[string]string{"endpoint": `"ftp://ocapi.ncloud.com/kms/v1"`}),
			attribute: "endpoint", excerpt: `scheme "ftp"`},
		{name: "endpoint empty", config: badProviderSetting(map[string]string{"endpoint": `""`}), attribute: "endpoint", excerpt: "absolute URL"},
		{name: "max retries negative", config: badProviderSetting(map[string]string{"max_retries": "-1"}), attribute: "max_retries", excerpt: "between 0 and 50, got: -1"},
		{name: "max retries too many", config: badProviderSetting(map[string]string{"max_retries": "51"}), attribute: "max_retries", excerpt: "got: 51"},
		{name: "request timeout malformed", config: badProviderSetting(map[string]string{"request_timeout": `"soon"`}), attribute: "request_timeout", excerpt: "not a duration"},
		{name: "request timeout without unit", config: badProviderSetting(map[string]string{"request_timeout": `"60"`}), attribute: "request_timeout", excerpt: "missing unit"},
		{name: "request timeout negative", config: badProviderSetting(map[string]string{"request_timeout": `"-5s"`}), attribute: "request_timeout", excerpt: "must be positive"},

		// data source ncloudkms_key
		{name: "data key with key_tag and name", config: badDataSource(`data "ncloudkms_key" "test" {
  key_tag = "` + strings.Repeat("a", 64) + `"
  name    = "valid-key"
}`), attribute: "key_tag", excerpt: "Exactly one of"},
		{name: "data key with neither", config: badDataSource(`data "ncloudkms_key" "test" {}`), attribute: "key_tag", excerpt: "Exactly one of"},
		{name: "data key bad name", config: badDataSource(`data "ncloudkms_key" "test" { name = "1bad" }`), attribute: "name", excerpt: "must start with a letter"},
		{name: "data key bad key_tag", config: badDataSource(`data "ncloudkms_key" "test" { key_tag = "xyz" }`), attribute: "key_tag", excerpt: "64 hexadecimal characters"},

		// data source ncloudkms_keys
		{name: "data keys bad name_regex", config: badDataSource(`data "ncloudkms_keys" "this" { name_regex = "db-(" }`), attribute: "name_regex", excerpt: "missing closing )"},
		{name: "data keys bad status", config: badDataSource(`data "ncloudkms_keys" "this" { status = "ACTIVE" }`), attribute: "status", excerpt: `"REVOKE"`},
		{name: "data keys lower-case status", config: badDataSource(`data "ncloudkms_keys" "this" { status = "enable" }`), attribute: "status", excerpt: `got: "enable"`},
		{name: "data keys bad type", config: badDataSource(`data "ncloudkms_keys" "this" { type = "AES128" }`), attribute: "type", excerpt: `"ECDSA"`},

		// terraform import ncloudkms_key.test <id>
		{name: "import short hex", importID: strings.Repeat("a", 63), attribute: "import ID", excerpt: "64 hexadecimal characters"},
		{name: "import long hex", importID: strings.Repeat("a", 65), attribute: "import ID", excerpt: "64 hexadecimal characters"},
		{name: "import non-hex tag", importID: strings.Repeat("g", 64), attribute: "import ID", excerpt: "neither a key tag nor a key name"},
		{name: "import free text", importID: "my-key", attribute: "import ID", excerpt: "name/<keyName>"},
		{name: "import name prefix upper case", importID: "NAME/my-key", attribute: "import ID", excerpt: "neither a key tag nor a key name"},
		{name: "import empty name", importID: "name/", attribute: "import ID", excerpt: "0 characters long"},
		{name: "import invalid name", importID: "name/1bad", attribute: "import ID", excerpt: "must start with a letter"},
		{name: "import short name", importID: "name/ab", attribute: "import ID", excerpt: "2 characters long"},
		{name: "import name with a dot", importID: "name/my.key", attribute: "import ID", excerpt: `contains '.'`},

		// import blocks, as a pipeline runs them: terraform plan
		{name: "import block short hex", config: badImportBlock(strings.Repeat("b", 63)), attribute: "import ID", excerpt: "64 hexadecimal characters"},
		{name: "import block invalid name", config: badImportBlock("name/-key"), attribute: "import ID", excerpt: "must start with a letter"},
	}
}

// TestAccBadInput_failsAtPlanTime runs every case against its own mock.
func TestAccBadInput_failsAtPlanTime(t *testing.T) {
	cases := badInputCases()
	if len(cases) < 30 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			m := testAccMock(t)
			wd := newTFWorkdirWith(t,
				Options{Getenv: mapGetenv(nil), HomeDir: t.TempDir()})
			var errorTexts []string
			var output string // everything Terraform printed
			if c.importID != "" {
				wd.SetConfig(badInputProvider(m, nil) + badInputKey)
				res := wd.Import(badInputKeyAddress, c.importID)
				res.RequireFailure(t)
				output = res.Stdout + res.Stderr
				errorTexts = []string{output}
			} else {
				wd.SetConfig(c.config(m))
				res := wd.Plan()
				res.RequireFailure(t)
				for _, d := range res.WithSeverity("error") {
					errorTexts = append(errorTexts, diagnosticText(d))
				}
				output = res.Stdout + res.Stderr
			}
			checkBadInputError(t, c, errorTexts)
			// A secret in the configuration must not reach the output, not even in the configuration
			// line that Terraform prints under an error attached to an attribute.
			if c.hidden != "" && strings.Contains(output, c.hidden) {
				t.Errorf("the output shows %q:\n%s", c.hidden, output)
			}
			if calls := journalCalls(m); len(calls) != 0 {
				t.Errorf("bad input reached the API: %q", calls)
			}
			t.Logf("%s: %s", c.attribute, strings.Join(errorTexts, "\n---\n"))
		})
	}
}

// diagnosticText is what a diagnostic tells the user: summary, detail and the source line it points at.
func diagnosticText(d tfcli.Diagnostic) string {
	text := d.Summary + "\n" + d.Detail
	if d.Snippet != nil {
		text += "\nsource: " + d.Snippet.Code
	}
	return text
}

// checkBadInputError requires one error that names the attribute and contains the excerpt.
func checkBadInputError(t *testing.T, c badInputCase, errorTexts []string) {
	t.Helper()
	names := regexp.MustCompile(`(?i)(^|[^a-z_])` + regexp.QuoteMeta(c.attribute) + `($|[^a-z_])`)
	excerpt := errorText(c.excerpt)
	for _, text := range errorTexts {
		if names.MatchString(text) && excerpt.MatchString(text) {
			return
		}
	}
	t.Errorf("no error names %q with %q; errors:\n%s", c.attribute, c.excerpt, strings.Join(errorTexts, "\n---\n"))
}
