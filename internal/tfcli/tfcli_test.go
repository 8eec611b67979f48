package tfcli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestMain(m *testing.M) {
	os.Setenv("CHECKPOINT_DISABLE", "1")
	os.Exit(m.Run())
}

// echo is terraform-plugin-testing's echo provider: its resource "echo" holds the provider's data.
var echo = Provider{Source: "hashicorp/echo", New: echoprovider.NewProviderServer()}

const echoConfig = `
provider "echo" {
  data = "hello"
}

resource "echo" "test" {}
`

// TestAccWorkdir_roundTrip drives a whole life on the CLI under test: an apply, the state and a
// destroy plan checked with statecheck and plancheck, a destroy, and a configuration error with
// its diagnostic.
func TestAccWorkdir_roundTrip(t *testing.T) {
	wd := New(t, echo)
	wd.SetConfig(echoConfig)
	wd.Apply().RequireSuccess(t)
	wd.CheckState(t, statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data"), knownvalue.StringExact("hello")))

	plan := wd.Plan(tfexec.Destroy(true))
	plan.RequireSuccess(t)
	if !plan.Changes {
		t.Fatal("the destroy plan has no changes")
	}
	plan.CheckPlan(t,
		plancheck.ExpectResourceAction("echo.test", plancheck.ResourceActionDestroy),
		ExpectActions("echo.test", tfjson.Actions{tfjson.ActionDelete}))

	wd.Destroy().RequireSuccess(t)
	wd.CheckState(t, ExpectNoResource("echo.test"))

	wd.SetConfig(echoConfig + `resource "echo" "bad" { unknown_argument = 1 }`)
	bad := wd.Plan()
	bad.RequireFailure(t)
	RequireDiagnostics(t, bad, Error("Unsupported argument", ""))
	RequireDetail(t, bad, "error", "Unsupported argument", `"unknown_argument"`)
	if got := Snippet(t, bad, "Unsupported argument"); got == "" {
		t.Error("the diagnostic points at no configuration line")
	}
}

func TestParseMessages_keepsJSONLinesInOrder(t *testing.T) {
	stdout := `{"@level":"info","@message":"Terraform 1.16.4","type":"version"}
not json
{"@level":"warn","@message":"Warning: W","type":"diagnostic","diagnostic":{"severity":"warning","summary":"W","detail":"d","address":"a.b"}}
{"@level":"error","@message":"Error: E","type":"diagnostic","diagnostic":{"severity":"error","summary":"E","detail":""}}
`
	messages := parseMessages(stdout)
	var types []string
	for _, m := range messages {
		types = append(types, m.Type)
	}
	if !slices.Equal(types, []string{"version", "diagnostic", "diagnostic"}) {
		t.Fatalf("message types %q", types)
	}
	if d := messages[1].Diagnostic; d == nil || d.Address != "a.b" || d.Summary != "W" || string(d.Severity) != "warning" {
		t.Fatalf("diagnostic %+v", messages[1].Diagnostic)
	}
	if string(messages[2].Raw) != `{"@level":"error","@message":"Error: E","type":"diagnostic","diagnostic":{"severity":"error","summary":"E","detail":""}}` {
		t.Fatalf("raw line %s", messages[2].Raw)
	}
}

func TestCLI_providerSources(t *testing.T) {
	t.Setenv("TF_ACC_PROVIDER_HOST", "")
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "")
	terraform := &CLI{Product: ProductTerraform, Version: version.Must(version.NewVersion("1.16.4"))}
	tofu := &CLI{Product: ProductOpenTofu, Version: version.Must(version.NewVersion("1.12.6"))}
	for _, c := range []struct {
		cli    *CLI
		source string
		host   string
		want   []string
	}{
		{terraform, "ncloudkms/ncloudkms", "", []string{"registry.terraform.io/ncloudkms/ncloudkms", "registry.terraform.io/hashicorp/ncloudkms"}},
		{tofu, "ncloudkms/ncloudkms", "", []string{"registry.opentofu.org/ncloudkms/ncloudkms", "registry.opentofu.org/hashicorp/ncloudkms"}},
		{terraform, "hashicorp/echo", "", []string{"registry.terraform.io/hashicorp/echo"}},
		{terraform, "ncloudkms/ncloudkms", "example.com/", []string{
			"registry.terraform.io/ncloudkms/ncloudkms", "registry.terraform.io/hashicorp/ncloudkms",
			"example.com/ncloudkms/ncloudkms", "example.com/hashicorp/ncloudkms"}},
	} {
		t.Setenv("TF_ACC_PROVIDER_HOST", c.host)
		if got := c.cli.ProviderSources(c.source); !slices.Equal(got, c.want) {
			t.Errorf("%s, %s, host %q: got %q, want %q", c.cli, c.source, c.host, got, c.want)
		}
	}
}

func TestCLI_supports(t *testing.T) {
	removed := Feature{Name: "`removed` blocks", Terraform: "1.7", OpenTofu: "1.7"}
	actions := Feature{Name: "Actions", Terraform: "1.14"}
	cli := func(product, v string) *CLI {
		return &CLI{Product: product, Version: version.Must(version.NewVersion(v))}
	}
	for _, c := range []struct {
		cli     *CLI
		feature Feature
		want    bool
	}{
		{cli(ProductTerraform, "1.5.7"), removed, false},
		{cli(ProductTerraform, "1.7.0-rc1"), removed, true}, // a prerelease counts as its release
		{cli(ProductTerraform, "1.16.4"), actions, true},
		{cli(ProductOpenTofu, "1.12.6"), actions, false}, // no OpenTofu release has it
		{cli(ProductOpenTofu, "1.12.6"), removed, true},
	} {
		if got := c.cli.Supports(c.feature); got != c.want {
			t.Errorf("%s supports %s: %t, want %t", c.cli, c.feature.Name, got, c.want)
		}
	}
	if got, want := actions.SkipReason(cli(ProductOpenTofu, "1.12.6")),
		"Actions: needs Terraform 1.14+ (no OpenTofu release has it); this is OpenTofu 1.12.6"; got != want {
		t.Errorf("skip reason %q, want %q", got, want)
	}
}

// TestChecks_onHandMadeValues: the harness's own checks fail when they should.
func TestChecks_onHandMadeValues(t *testing.T) {
	plan := &tfjson.Plan{ResourceChanges: []*tfjson.ResourceChange{
		{Address: "a.b", Change: &tfjson.Change{Actions: tfjson.Actions{tfjson.ActionForget, tfjson.ActionCreate}}},
	}}
	for _, c := range []struct {
		check   plancheck.PlanCheck
		wantErr bool
	}{
		{ExpectActions("a.b", tfjson.Actions{tfjson.ActionForget, tfjson.ActionCreate}), false},
		{ExpectActions("a.b", tfjson.Actions{tfjson.ActionForget}), true},
		{ExpectActions("a.c", tfjson.Actions{tfjson.ActionCreate}), true},
	} {
		resp := plancheck.CheckPlanResponse{}
		c.check.CheckPlan(context.Background(), plancheck.CheckPlanRequest{Plan: plan}, &resp)
		if (resp.Error != nil) != c.wantErr {
			t.Errorf("%+v: error %v, want an error: %t", c.check, resp.Error, c.wantErr)
		}
	}

	state := &tfjson.State{Values: &tfjson.StateValues{RootModule: &tfjson.StateModule{
		Resources: []*tfjson.StateResource{{Address: "a.b", Mode: tfjson.ManagedResourceMode}},
	}}}
	for address, wantErr := range map[string]bool{"a.b": true, "a.c": false} {
		resp := statecheck.CheckStateResponse{}
		ExpectNoResource(address).CheckState(context.Background(), statecheck.CheckStateRequest{State: state}, &resp)
		if (resp.Error != nil) != wantErr {
			t.Errorf("ExpectNoResource(%q): error %v, want an error: %t", address, resp.Error, wantErr)
		}
	}
}

// TestDetect_productVersionAndSources: the harness tells Terraform from OpenTofu by `version`, takes the
// version from `version -json` (OpenTofu's too), and reattaches the provider under the registry
// host that CLI resolves a configuration's source to.
func TestDetect_productVersionAndSources(t *testing.T) {
	t.Setenv("TF_ACC_PROVIDER_HOST", "")
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "")
	dir := t.TempDir()
	// fake is a CLI that answers `version` with firstLine and `version -json` as Terraform and
	// OpenTofu do, with the version in terraform_version.
	fake := func(name, firstLine string) string {
		path := filepath.Join(dir, name)
		_, v, _ := strings.Cut(firstLine, " v")
		script := fmt.Sprintf(`#!/bin/sh
if [ "$2" = "-json" ]; then
  echo '{"terraform_version": "%s", "platform": "linux_amd64", "provider_selections": {}}'
else
  echo '%s'
  echo 'on linux_amd64'
fi
`, v, firstLine)
		if err := os.WriteFile(path, []byte(script), 0o700); err != nil {
			t.Fatal(err)
		}
		return path
	}
	for _, c := range []struct {
		name, firstLine, want string
		sources               []string
	}{
		{"terraform", "Terraform v1.11.4", "Terraform 1.11.4",
			[]string{"registry.terraform.io/ncloudkms/ncloudkms", "registry.terraform.io/hashicorp/ncloudkms"}},
		{"tofu", "OpenTofu v1.12.6", "OpenTofu 1.12.6",
			[]string{"registry.opentofu.org/ncloudkms/ncloudkms", "registry.opentofu.org/hashicorp/ncloudkms"}},
		{"terraform-rc", "Terraform v1.12.0-rc1", "Terraform 1.12.0-rc1",
			[]string{"registry.terraform.io/ncloudkms/ncloudkms", "registry.terraform.io/hashicorp/ncloudkms"}},
	} {
		cli, err := Detect(fake(c.name, c.firstLine))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if cli.String() != c.want {
			t.Errorf("%s: detected %s, want %s", c.name, cli, c.want)
		}
		if got := cli.ProviderSources("ncloudkms/ncloudkms"); !slices.Equal(got, c.sources) {
			t.Errorf("%s: sources %q, want %q", c.name, got, c.sources)
		}
	}
	if _, err := Detect(fake("other", "Something v1.0.0")); err == nil {
		t.Error("a CLI that is neither Terraform nor OpenTofu was accepted")
	}

	// terraform-plugin-testing's variables add their host and namespace.
	t.Setenv("TF_ACC_PROVIDER_HOST", "example.com")
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "someone")
	cli, err := Detect(fake("tofu2", "OpenTofu v1.12.6"))
	if err != nil {
		t.Fatal(err)
	}
	if got := cli.ProviderSources("ncloudkms/ncloudkms"); !slices.Contains(got, "example.com/someone/ncloudkms") ||
		!slices.Contains(got, "registry.opentofu.org/hashicorp/ncloudkms") {
		t.Errorf("sources %q lack example.com/someone/ncloudkms or the CLI's own host", got)
	}
}
