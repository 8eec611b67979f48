package provider

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

const ciphertextAddress = "ncloudkms_ciphertext.secret"

// testAccRoundTripConfig encrypts plaintext with plaintext_wo and decrypts the ciphertext into an
// ephemeral value; extra is more configuration, echo the echo provider that shows digests.
func testAccRoundTripConfig(tag, plaintext, extra, echo string) string {
	return fmt.Sprintf(`
resource "ncloudkms_ciphertext" "secret" {
  key_tag              = %q
  plaintext_wo         = %q
  plaintext_wo_version = 1
  context              = "round-trip"
}

ephemeral "ncloudkms_decrypt" "secret" {
  key_tag    = ncloudkms_ciphertext.secret.key_tag
  ciphertext = ncloudkms_ciphertext.secret.ciphertext
  context    = "round-trip"
}
%s
%s`, tag, plaintext, extra, echo)
}

// digestsOf is the echo data of a decryption: digests of its two plaintext attributes.
func digestsOf(ephemeralAddress string) string {
	return fmt.Sprintf("{\n    plaintext        = sha256(%[1]s.plaintext)\n    plaintext_base64 = sha256(%[1]s.plaintext_base64)\n  }", ephemeralAddress)
}

// expectDigests checks the digests of digestsOf for the plaintext that was encrypted.
func expectDigests(plaintext string) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"plaintext":        knownvalue.StringExact(sha256Hex(plaintext)),
		"plaintext_base64": knownvalue.StringExact(sha256Hex(base64.StdEncoding.EncodeToString([]byte(plaintext)))),
	})
}

// A ciphertext made by ncloudkms_ciphertext decrypts through ncloudkms_decrypt to the same text;
// after a rotation it still does, and a new ciphertext uses the new version; once its version is
// disabled it does not, with an error that says so; enabled again, it does. No state file of the
// test holds the plaintext.
func TestAccCiphertextResource_roundTrip(t *testing.T) {
	mock := testAccMock(t)
	key := testAccMockKey(t, mock, kmsmock.KeySpec{Name: "roundtrip-key", Type: "AES256"})
	plaintext := "db-password-" + rand.Text()
	workDir := t.TempDir()
	provider := testAccProviderConfig(mock)

	afterRotation := `
resource "ncloudkms_ciphertext" "after_rotation" {
  key_tag              = ncloudkms_ciphertext.secret.key_tag
  plaintext_wo         = ephemeral.ncloudkms_decrypt.secret.plaintext
  plaintext_wo_version = 1
}

ephemeral "ncloudkms_decrypt" "after_rotation" {
  key_tag    = ncloudkms_ciphertext.after_rotation.key_tag
  ciphertext = ncloudkms_ciphertext.after_rotation.ciphertext
}

output "versions" {
  value = [
    provider::ncloudkms::ciphertext_version(ncloudkms_ciphertext.secret.ciphertext),
    provider::ncloudkms::ciphertext_version(ncloudkms_ciphertext.after_rotation.ciphertext),
  ]
}
`
	bothDigests := fmt.Sprintf("{\n    first  = %s\n    second = %s\n  }",
		digestsOf("ephemeral.ncloudkms_decrypt.secret"), digestsOf("ephemeral.ncloudkms_decrypt.after_rotation"))
	rotatedConfig := func(echoName string) string {
		return provider + testAccRoundTripConfig(key.KeyTag, plaintext, afterRotation, testAccEcho(echoName, bothDigests))
	}
	bothDecrypt := func(echoName string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("echo."+echoName, tfjsonpath.New("data"), knownvalue.ObjectExact(map[string]knownvalue.Check{
			"first": expectDigests(plaintext), "second": expectDigests(plaintext)}))
	}
	keyPath := "/keys/" + key.KeyTag

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccEchoProviderFactories(),
		TerraformVersionChecks:   cliFeatureChecks(featureProviderFunctions, featureEphemeralResources, featureWriteOnlyArguments),
		WorkingDir:               workDir,
		Steps: []resource.TestStep{
			{
				Config: provider + testAccRoundTripConfig(key.KeyTag, plaintext, "",
					testAccEcho("decrypted", digestsOf("ephemeral.ncloudkms_decrypt.secret"))),
				ConfigStateChecks: []statecheck.StateCheck{
					// The key is checked by the plan, and again by the apply's own plan; then one call each.
					expectMockCalls(mock, "GET "+keyPath, "GET "+keyPath, "POST "+keyPath+"/encrypt", "POST "+keyPath+"/decrypt"),
					statecheck.ExpectKnownValue("echo.decrypted", tfjsonpath.New("data"), expectDigests(plaintext)),
					statecheck.ExpectKnownValue(ciphertextAddress, tfjsonpath.New("ciphertext"), knownvalue.StringRegexp(regexp.MustCompile(`^ncpkms:v1:[A-Za-z0-9+/]+=*$`))),
					statecheck.ExpectKnownValue(ciphertextAddress, tfjsonpath.New("key_version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(ciphertextAddress, tfjsonpath.New("plaintext_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(ciphertextAddress, tfjsonpath.New("plaintext"), knownvalue.Null()),
				},
				Check: expectNoSecretInStateFiles(t, workDir, plaintext),
			},
			{
				PreConfig: func() {
					if _, err := mock.RotateKey(key.KeyTag); err != nil {
						t.Fatal(err)
					}
				},
				Config: rotatedConfig("after_rotation"),
				ConfigStateChecks: []statecheck.StateCheck{
					bothDecrypt("after_rotation"),
					statecheck.ExpectKnownValue(ciphertextAddress, tfjsonpath.New("key_version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue("ncloudkms_ciphertext.after_rotation", tfjsonpath.New("key_version"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownOutputValue("versions", knownvalue.ListExact([]knownvalue.Check{
						knownvalue.Int64Exact(1), knownvalue.Int64Exact(2)})),
				},
				Check: expectNoSecretInStateFiles(t, workDir, plaintext),
			},
			{
				PreConfig: func() {
					if err := mock.DisableKeyVersion(key.KeyTag, 1); err != nil {
						t.Fatal(err)
					}
				},
				Config: rotatedConfig("after_rotation"),
				ExpectError: regexp.MustCompile(`(?s)Decryption failed.*The ciphertext of key version 1 could not be decrypted:` +
					`\s+version 1 of key\s+"roundtrip-key".*is\s+disabled.*enabling the version makes it usable again.*HTTP\s+422`),
			},
			{
				PreConfig: func() {
					if err := mock.EnableKeyVersion(key.KeyTag, 1); err != nil {
						t.Fatal(err)
					}
				},
				Config:            rotatedConfig("after_enable"),
				ConfigStateChecks: []statecheck.StateCheck{bothDecrypt("after_enable")},
			},
		},
	})
}

// expectNoSecretInStateFiles fails when a state file under dir holds the secret in any form, and
// logs each state file and what was looked for.
func expectNoSecretInStateFiles(t *testing.T, dir, secret string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		files := stateFilesUnder(t, dir)
		if len(files) == 0 {
			return fmt.Errorf("no state file under %s", dir)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				return err
			}
			for _, form := range secretForms(secret) {
				if strings.Contains(string(data), form) {
					return fmt.Errorf("%s holds the plaintext (as %q)", file, form)
				}
			}
			t.Logf("%s (%d bytes) holds none of %d forms of the plaintext", file, len(data), len(secretForms(secret)))
		}
		return nil
	}
}

// testAccCiphertextConfig is an ncloudkms_ciphertext named name with the given argument lines.
func testAccCiphertextConfig(name, arguments string) string {
	return fmt.Sprintf("\nresource \"ncloudkms_ciphertext\" %q {\n%s}\n", name, arguments)
}

// Both key types that encrypt: an RSA2048 key's ciphertext decrypts; an AES256 key encrypts the
// same plaintext to a new ciphertext each time, a convergent one (with its required context) to
// the same ciphertext.
func TestAccCiphertextResource_keyTypes(t *testing.T) {
	for _, c := range []struct {
		keyType    string
		convergent bool
		bound      string
		same       bool
	}{
		{"AES256", false, "", false},
		{"AES256", true, "tenant-7", true},
		{"RSA2048", false, "tenant-7", false},
	} {
		t.Run(fmt.Sprintf("%s convergent=%v", c.keyType, c.convergent), func(t *testing.T) {
			t.Parallel()
			mock := testAccMock(t)
			key := testAccMockKey(t, mock, kmsmock.KeySpec{Name: "typed-key", Type: c.keyType, Convergent: c.convergent})
			plaintext := "token-" + rand.Text()
			arguments := fmt.Sprintf("  key_tag              = %q\n  plaintext_wo         = %q\n  plaintext_wo_version = 1\n", key.KeyTag, plaintext)
			decryptContext := ""
			if c.bound != "" {
				arguments += fmt.Sprintf("  context              = %q\n", c.bound)
				decryptContext = fmt.Sprintf("  context    = %q\n", c.bound)
			}
			config := testAccProviderConfig(mock) + testAccCiphertextConfig("one", arguments) + testAccCiphertextConfig("two", arguments) +
				fmt.Sprintf("\nephemeral \"ncloudkms_decrypt\" \"two\" {\n  key_tag    = %q\n  ciphertext = ncloudkms_ciphertext.two.ciphertext\n%s}\n", key.KeyTag, decryptContext) +
				testAccEcho("decrypted", digestsOf("ephemeral.ncloudkms_decrypt.two"))
			var comparer compare.ValueComparer = compare.ValuesDiffer()
			if c.same {
				comparer = compare.ValuesSame()
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccEchoProviderFactories(),
				TerraformVersionChecks:   cliFeatureChecks(featureEphemeralResources, featureWriteOnlyArguments),
				Steps: []resource.TestStep{{
					Config: config,
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.CompareValuePairs("ncloudkms_ciphertext.one", tfjsonpath.New("ciphertext"),
							"ncloudkms_ciphertext.two", tfjsonpath.New("ciphertext"), comparer),
						statecheck.ExpectKnownValue("ncloudkms_ciphertext.two", tfjsonpath.New("key_version"), knownvalue.Int64Exact(1)),
						statecheck.ExpectKnownValue("echo.decrypted", tfjsonpath.New("data"), expectDigests(plaintext)),
					},
				}},
			})
		})
	}
}

// For a Terraform older than 1.11, plaintext (stored in the state, sensitive) instead of
// plaintext_wo. A plan without changes makes no call and changes nothing; a new plaintext, context
// or key makes a new ciphertext (a replacement), which decrypts to the new plaintext.
func TestAccCiphertextResource_plaintextInState(t *testing.T) {
	mock := testAccMock(t)
	first := testAccMockKey(t, mock, kmsmock.KeySpec{Name: "first-key", Type: "AES256"})
	second := testAccMockKey(t, mock, kmsmock.KeySpec{Name: "second-key", Type: "RSA2048"})
	config := func(tag, plaintext, bound string) string {
		return testAccProviderConfig(mock) + testAccCiphertextConfig("secret", fmt.Sprintf(
			"  key_tag   = %q\n  plaintext = %q\n  context   = %q\n", tag, plaintext, bound))
	}
	changed := statecheck.CompareValue(compare.ValuesDiffer())
	replaced := []plancheck.PlanCheck{plancheck.ExpectResourceAction(ciphertextAddress, plancheck.ResourceActionDestroyBeforeCreate)}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: config(first.KeyTag, "first secret", "app"),
				ConfigStateChecks: []statecheck.StateCheck{
					changed.AddStateValue(ciphertextAddress, tfjsonpath.New("ciphertext")),
					statecheck.ExpectKnownValue(ciphertextAddress, tfjsonpath.New("plaintext"), knownvalue.StringExact("first secret")),
					statecheck.ExpectKnownValue(ciphertextAddress, tfjsonpath.New("plaintext_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(ciphertextAddress, tfjsonpath.New("key_version"), knownvalue.Int64Exact(1)),
				},
				Check: expectDecryptsTo(t, mock, first.KeyTag, "first secret", "app"),
			},
			{
				PreConfig: mock.ResetJournal,
				Config:    config(first.KeyTag, "first secret", "app"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{expectMockCalls(mock)},
			},
			{
				Config:            config(first.KeyTag, "second secret", "app"),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: replaced},
				ConfigStateChecks: []statecheck.StateCheck{changed.AddStateValue(ciphertextAddress, tfjsonpath.New("ciphertext"))},
				Check:             expectDecryptsTo(t, mock, first.KeyTag, "second secret", "app"),
			},
			{
				Config:            config(first.KeyTag, "second secret", "billing"),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: replaced},
				ConfigStateChecks: []statecheck.StateCheck{changed.AddStateValue(ciphertextAddress, tfjsonpath.New("ciphertext"))},
				Check:             expectDecryptsTo(t, mock, first.KeyTag, "second secret", "billing"),
			},
			{
				Config:            config(second.KeyTag, "second secret", "billing"),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: replaced},
				ConfigStateChecks: []statecheck.StateCheck{changed.AddStateValue(ciphertextAddress, tfjsonpath.New("ciphertext"))},
				Check:             expectDecryptsTo(t, mock, second.KeyTag, "second secret", "billing"),
			},
		},
	})
}

// expectDecryptsTo decrypts the state's ciphertext as an application would, outside Terraform.
func expectDecryptsTo(t *testing.T, mock *kmsmock.Server, tag, plaintext, bound string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		ciphertext := s.RootModule().Resources[ciphertextAddress].Primary.Attributes["ciphertext"]
		got, err := testClient(t, mock).Decrypt(context.Background(), tag, kmsapi.DecryptInput{Ciphertext: ciphertext, Context: []byte(bound)})
		if err != nil {
			return fmt.Errorf("decrypting %s: %w", ciphertext, err)
		}
		if string(got) != plaintext {
			return fmt.Errorf("%s decrypts to %q, want %q", ciphertext, got, plaintext)
		}
		return nil
	}
}

// plaintext_wo is never stored, so a new value of it alone changes nothing; a new
// plaintext_wo_version encrypts the current plaintext_wo again.
func TestAccCiphertextResource_writeOnlyVersion(t *testing.T) {
	mock := testAccMock(t)
	key := testAccMockKey(t, mock, kmsmock.KeySpec{Name: "wo-key", Type: "AES256"})
	config := func(plaintext string, version int, echoName string) string {
		return testAccProviderConfig(mock) + testAccCiphertextConfig("secret", fmt.Sprintf(
			"  key_tag              = %q\n  plaintext_wo         = %q\n  plaintext_wo_version = %d\n", key.KeyTag, plaintext, version)) +
			fmt.Sprintf("\nephemeral \"ncloudkms_decrypt\" \"secret\" {\n  key_tag    = %q\n  ciphertext = ncloudkms_ciphertext.secret.ciphertext\n}\n", key.KeyTag) +
			testAccEcho(echoName, digestsOf("ephemeral.ncloudkms_decrypt.secret"))
	}
	same, differs := statecheck.CompareValue(compare.ValuesSame()), statecheck.CompareValue(compare.ValuesDiffer())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccEchoProviderFactories(),
		TerraformVersionChecks:   cliFeatureChecks(featureEphemeralResources, featureWriteOnlyArguments),
		Steps: []resource.TestStep{
			{
				Config: config("first", 1, "first"),
				ConfigStateChecks: []statecheck.StateCheck{
					same.AddStateValue(ciphertextAddress, tfjsonpath.New("ciphertext")),
					differs.AddStateValue(ciphertextAddress, tfjsonpath.New("ciphertext")),
					statecheck.ExpectKnownValue("echo.first", tfjsonpath.New("data"), expectDigests("first")),
				},
			},
			{
				Config:           config("second", 1, "first"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					same.AddStateValue(ciphertextAddress, tfjsonpath.New("ciphertext")),
				},
			},
			{
				Config: config("second", 2, "second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(ciphertextAddress, plancheck.ResourceActionDestroyBeforeCreate)}},
				ConfigStateChecks: []statecheck.StateCheck{
					differs.AddStateValue(ciphertextAddress, tfjsonpath.New("ciphertext")),
					statecheck.ExpectKnownValue("echo.second", tfjsonpath.New("data"), expectDigests("second")),
				},
			},
		},
	})
}

// Whatever the key or the arguments cannot do fails the plan with one error, before any
// encryption: the key's type, a convergent key's context, an RSA2048 key's size limit, and the
// choice between plaintext_wo and plaintext.
func TestAccCiphertextResource_planFailures(t *testing.T) {
	const plaintext = "a-plaintext-never-shown"
	resource := func(tag, arguments string) string {
		return testAccCiphertextConfig("this", fmt.Sprintf("  key_tag = %q\n%s", tag, arguments))
	}
	writeOnly := "  plaintext_wo         = \"" + plaintext + "\"\n  plaintext_wo_version = 1\n"
	cases := []planFailure{
		{
			name: "an ECDSA key",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				return resource(testAccMockKey(t, mock, kmsmock.KeySpec{Name: "sign-key", Type: "ECDSA"}).KeyTag, writeOnly)
			},
			summary: summaryKeyCannotEncrypt, attribute: "key_tag",
			detail: []string{"Key {key} is an ECDSA key, which cannot encrypt: only AES256 and RSA2048 keys can."},
			calls:  []string{"GET /keys/{tag}"},
		},
		{
			name: "a convergent key without context",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				return resource(testAccMockKey(t, mock, kmsmock.KeySpec{Name: "conv-key", Type: "AES256", Convergent: true}).KeyTag, writeOnly)
			},
			summary: summaryContextRequired,
			detail:  []string{"Key {key} is a convergent key: NCloud requires a context on every call with it. Set context"},
			calls:   []string{"GET /keys/{tag}"},
		},
		{
			name: "a plaintext too long for an RSA2048 key",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				return resource(testAccMockKey(t, mock, kmsmock.KeySpec{Name: "rsa-key", Type: "RSA2048"}).KeyTag,
					"  plaintext = \""+strings.Repeat("x", 191)+"\"\n")
			},
			summary: summaryPlaintextTooLong, attribute: "key_tag",
			detail: []string{"Key {key} is an RSA2048 key, which encrypts at most 190 bytes of plaintext; this plaintext has 191 bytes."},
			calls:  []string{"GET /keys/{tag}"},
		},
		{
			name: "an unknown key tag",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				testAccMockKey(t, mock, kmsmock.KeySpec{Name: "some-key", Type: "AES256"})
				return resource(strings.Repeat("cd", 32), writeOnly)
			},
			summary: summaryKeyNotFound, attribute: "key_tag",
			detail: []string{"Terraform could not read the key tagged " + strings.Repeat("cd", 32) + " to check that it can encrypt: no KMS key has the key tag"},
		},
		{
			name: "both plaintext_wo and plaintext",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				return resource(testAccMockKey(t, mock, kmsmock.KeySpec{Name: "aes-key", Type: "AES256"}).KeyTag, writeOnly+"  plaintext = \"other\"\n")
			},
			summary: summaryPlaintextChoice, // in words only: the line of plaintext may hold it
			detail:  []string{plaintextBothDetail},
			calls:   []string{},
		},
		{
			name: "neither plaintext_wo nor plaintext",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				return resource(testAccMockKey(t, mock, kmsmock.KeySpec{Name: "aes-key", Type: "AES256"}).KeyTag, "")
			},
			summary: summaryPlaintextChoice,
			detail:  []string{plaintextNoneDetail},
			calls:   []string{},
		},
		{
			name: "plaintext_wo without plaintext_wo_version",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				return resource(testAccMockKey(t, mock, kmsmock.KeySpec{Name: "aes-key", Type: "AES256"}).KeyTag, "  plaintext_wo = \""+plaintext+"\"\n")
			},
			summary: summaryPlaintextVersion, // in words only: the line of plaintext_wo may hold it
			detail:  []string{plaintextVersionMissingDetail},
			calls:   []string{},
		},
		{
			name: "plaintext_wo_version without plaintext_wo",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				return resource(testAccMockKey(t, mock, kmsmock.KeySpec{Name: "aes-key", Type: "AES256"}).KeyTag, "  plaintext = \"text\"\n  plaintext_wo_version = 1\n")
			},
			summary: summaryPlaintextVersion, attribute: "plaintext_wo_version",
			detail: []string{plaintextVersionAloneDetail},
			calls:  []string{},
		},
		{
			name: "a plaintext over 32 KiB",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				return resource(testAccMockKey(t, mock, kmsmock.KeySpec{Name: "aes-key", Type: "AES256"}).KeyTag,
					"  plaintext_wo         = \""+plaintext+strings.Repeat("x", 32<<10)+"\"\n  plaintext_wo_version = 1\n")
			},
			summary: summaryPlaintextLength, // in words only: the line of plaintext_wo holds it
			detail:  []string{"plaintext_wo has 32791 bytes: NCloud KMS encrypts a plaintext of 1 byte to 32 KiB (32768 bytes)."},
			calls:   []string{},
		},
		{
			name: "a context over 50 bytes",
			setup: func(t *testing.T, mock *kmsmock.Server) string {
				return resource(testAccMockKey(t, mock, kmsmock.KeySpec{Name: "aes-key", Type: "AES256"}).KeyTag, writeOnly+"  context = \""+strings.Repeat("é", 26)+"\"\n")
			},
			summary: "Invalid Attribute Value Length", attribute: "context",
			detail: []string{"Attribute context string length must be between 1 and 50, got: 52"},
			calls:  []string{},
		},
	}
	for i := range cases {
		cases[i].secret = plaintext
	}
	runPlanFailures(t, []tfcli.Feature{featureWriteOnlyArguments}, cases)
}

// Destroy makes no call and the plan says nothing about it; a plan without changes makes no call
// either, and the state never holds plaintext_wo.
func TestAccCiphertextResource_destroyMakesNoCall(t *testing.T) {
	mock := testAccMock(t)
	key := testAccMockKey(t, mock, kmsmock.KeySpec{Name: "quiet-key", Type: "AES256"})
	wd := newTFWorkdir(t)
	wd.SkipWithout(featureWriteOnlyArguments)
	plaintext := "quiet-" + rand.Text()
	wd.SetConfig(testAccProviderConfig(mock) + testAccCiphertextConfig("secret", fmt.Sprintf(
		"  key_tag              = %q\n  plaintext_wo         = %q\n  plaintext_wo_version = 1\n", key.KeyTag, plaintext)))
	apply := wd.Apply()
	apply.RequireSuccess(t)
	// The plan checks the key, and so does the plan that Terraform makes again when it applies.
	if got, want := journalCalls(mock), expandTag(key.KeyTag, []string{"GET /keys/{tag}", "GET /keys/{tag}", "POST /keys/{tag}/encrypt"}); !slices.Equal(got, want) {
		t.Fatalf("apply made %q, want %q", got, want)
	}
	wd.CheckState(t,
		statecheck.ExpectKnownValue(ciphertextAddress, tfjsonpath.New("plaintext_wo"), knownvalue.Null()),
		statecheck.ExpectKnownValue(ciphertextAddress, tfjsonpath.New("plaintext"), knownvalue.Null()),
		statecheck.ExpectKnownValue(ciphertextAddress, tfjsonpath.New("ciphertext"), knownvalue.StringRegexp(regexp.MustCompile(`^ncpkms:v1:`))))

	mock.ResetJournal()
	for _, destroy := range []bool{false, true} {
		plan := wd.Plan(tfexec.Destroy(destroy))
		plan.RequireSuccess(t)
		if len(plan.Diagnostics) != 0 {
			t.Errorf("plan (-destroy=%t) has diagnostics %v, want none", destroy, plan.Diagnostics)
		}
	}
	destroy := wd.Destroy()
	destroy.RequireSuccess(t)
	if len(destroy.Diagnostics) != 0 {
		t.Errorf("destroy has diagnostics %v, want none", destroy.Diagnostics)
	}
	if calls := journalCalls(mock); len(calls) != 0 {
		t.Errorf("plans and destroy made %q, want no call", calls)
	}
	wd.CheckState(t, tfcli.ExpectNoResource(ciphertextAddress))
}
