package main

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/server"
)

func TestChangedCount(t *testing.T) {
	for n, want := range map[int]int{1: 1, 9: 1, 10: 1, 11: 2, 100: 10, 300: 30, 1000: 100, 1001: 101} {
		if got := changedCount(n); got != want {
			t.Errorf("changedCount(%d) = %d, want %d", n, got, want)
		}
	}
}

// keyNamePattern is the API's rule: 3-15 characters, a letter first, then letters, digits, - and _.
var keyNamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{2,14}$`)

func TestKeyName_validForEveryN(t *testing.T) {
	for _, i := range []int{0, 1, 299, 999, maxKeys - 1} {
		for _, run := range keysRuns(true) {
			if name := keyName(run.prefix(), i); !keyNamePattern.MatchString(name) {
				t.Errorf("keyName(%q, %d) = %q is not a valid key name", run.prefix(), i, name)
			}
		}
	}
	if got := keyName(keyNamePrefix, 7); got != "bench-00007" {
		t.Errorf("keyName(%q, 7) = %q", keyNamePrefix, got)
	}
}

func TestMemoFor(t *testing.T) {
	if got := memoFor(29, 300, 2); got != "revision 2" {
		t.Errorf("key 29 at revision 2: %q", got)
	}
	if got := memoFor(30, 300, 2); got != "revision 1" {
		t.Errorf("key 30 at revision 2: %q", got)
	}
}

func TestConfig(t *testing.T) {
	text := config("ncloudkms", "bench", 300)
	for _, want := range []string{
		`source = "ncloudkms/ncloudkms"`,
		`provider "ncloudkms" {}`,
		`resource "ncloudkms_key" "bench" {`,
		`count           = 300`,
		`format("bench-%05d", count.index)`,
		`count.index < 30 ? "revision ${var.revision}" : "revision 1"`,
		`deletion_policy = "DELETE"`,
		`variable "revision" {`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("keys configuration lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "max_retries =") || strings.Contains(text, "access_key =") {
		t.Errorf("the provider block must leave retries and credentials to their defaults:\n%s", text)
	}
	assertBalancedBraces(t, text)
}

// TestConfig_null: the null provider's configuration is the keys' one, on nullkms_key.
func TestConfig_null(t *testing.T) {
	keys, null := config("ncloudkms", "bench", 300), config("nullkms", "bench", 300)
	for _, want := range []string{`source = "ncloudkms/nullkms"`, `provider "nullkms" {}`, `resource "nullkms_key" "bench" {`} {
		if !strings.Contains(null, want) {
			t.Errorf("null configuration lacks %q:\n%s", want, null)
		}
	}
	if strings.ReplaceAll(keys, "ncloudkms", "nullkms") != strings.ReplaceAll(null, "ncloudkms", "nullkms") {
		t.Errorf("the configurations differ in more than the provider:\n%s\n%s", keys, null)
	}
}

// TestQueryConfig: each run lists its own n keys, on the keys' provider or the null one alike.
func TestQueryConfig(t *testing.T) {
	keys, null := queryConfig("ncloudkms", "bench1", 300), queryConfig("nullkms", "bench1", 300)
	for _, want := range []string{`list "ncloudkms_key" "bench" {`, `provider         = ncloudkms`,
		`include_resource = var.include_resource`, `limit            = 300`, `name_regex = "^bench1-"`, `variable "include_resource" {`} {
		if !strings.Contains(keys, want) {
			t.Errorf("query file lacks %q:\n%s", want, keys)
		}
	}
	if strings.ReplaceAll(keys, "ncloudkms", "nullkms") != null {
		t.Errorf("the query files differ in more than the provider:\n%s\n%s", keys, null)
	}
	// The shipped run's filter leaves the other runs' keys out.
	filter := regexp.MustCompile("^" + keyNamePrefix + "-")
	if !filter.MatchString(keyName(keyNamePrefix, 0)) || filter.MatchString(keyName(keyNamePrefix+"1", 0)) {
		t.Errorf("the filter ^%s- does not tell the runs apart", keyNamePrefix)
	}
	assertBalancedBraces(t, keys)
}

// TestKeysRuns: the provider as shipped first, then one run per workaround, each with its own
// directory, key names and switch.
func TestKeysRuns(t *testing.T) {
	if runs := keysRuns(false); len(runs) != 1 || runs[0].workaround != "" {
		t.Errorf("keysRuns(false) = %+v, want the shipped provider only", runs)
	}
	runs := keysRuns(true)
	if len(runs) != 1+len(server.Workarounds) || runs[0].workaround != "" || runs[0].dir() != keysDir ||
		runs[0].prefix() != keyNamePrefix || runs[0].env() != nil {
		t.Fatalf("runs %+v: want the shipped provider first, in %s with %s-… and no switch", runs, keysDir, keyNamePrefix)
	}
	dirs, prefixes := map[string]bool{}, map[string]bool{}
	for i, run := range runs[1:] {
		name := server.Workarounds[i]
		if want := []string{server.DisableWorkaroundsEnv + "=" + name}; run.workaround != name || !slices.Equal(run.env(), want) {
			t.Errorf("run %d: %+v with env %q, want %s switched off by %q", i+1, run, run.env(), name, want)
		}
		dirs[run.dir()], prefixes[run.prefix()] = true, true
	}
	dirs[keysDir], prefixes[keyNamePrefix] = true, true
	if len(dirs) != len(runs) || len(prefixes) != len(runs) {
		t.Errorf("directories %v and prefixes %v: want one each per run", dirs, prefixes)
	}
}

func TestCLIConfig(t *testing.T) {
	config := cliConfig(`/tmp/bench "x"/bin`)
	for _, want := range []string{`"ncloudkms/ncloudkms" = "/tmp/bench \"x\"/bin"`, `"ncloudkms/nullkms"   = "/tmp/bench \"x\"/bin"`} {
		if !strings.Contains(config, want) {
			t.Errorf("dev_overrides line %s missing or badly quoted:\n%s", want, config)
		}
	}
	if !strings.Contains(config, "direct {}") {
		t.Errorf("other providers must still install directly:\n%s", config)
	}
	assertBalancedBraces(t, config)
}

func assertBalancedBraces(t *testing.T, config string) {
	t.Helper()
	if strings.Count(config, "{") != strings.Count(config, "}") {
		t.Errorf("unbalanced braces:\n%s", config)
	}
}
