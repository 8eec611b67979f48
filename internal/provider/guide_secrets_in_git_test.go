package provider

import (
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// The guide "Keeping secrets in Git with ncloudkms", run as written: its three configurations,
// from examples/guides/keeping-secrets-in-git, against the mock. The secret is encrypted once from
// a variable, the ciphertext is committed (a tfvars file), and a later run decrypts it into the
// environment of a script; no state file of either run holds the secret.
func TestAccGuide_keepingSecretsInGit(t *testing.T) {
	mock := testAccMock(t)
	const guide = "../../examples/guides/keeping-secrets-in-git/"
	example := func(wd *tfcli.Workdir, name string) {
		content, err := os.ReadFile(guide + name + "/main.tf")
		if err != nil {
			t.Fatal(err)
		}
		wd.SetConfig(testAccProviderConfig(mock) + string(content))
	}
	secret := "orders-db-" + rand.Text()

	key := newTFWorkdir(t)
	key.SkipWithout(featureWriteOnlyArguments)
	example(key, "key")
	key.Apply().RequireSuccess(t)

	encrypt := newTFWorkdir(t)
	example(encrypt, "encrypt")
	encrypt.Apply(tfexec.Var("db_password=" + secret)).RequireSuccess(t)
	ciphertext := fmt.Sprint(encrypt.StateOutput("db_password_ciphertext"))
	if !strings.HasPrefix(ciphertext, "ncpkms:v1:") {
		t.Fatalf("the encrypt step's output is %q, want a ciphertext", ciphertext)
	}

	use := newTFWorkdir(t)
	example(use, "use")
	writeFile(t, use.Dir(), "secrets.auto.tfvars", fmt.Sprintf("db_password_ciphertext = %q\n", ciphertext))
	// The guide's script stands for a migration that needs the password: it keeps its digest.
	writeFile(t, use.Dir(), "migrate.sh", "#!/bin/sh\nprintf %s \"$DB_PASSWORD\" | sha256sum | cut -d' ' -f1 > password.sha256\n")
	if err := os.Chmod(filepath.Join(use.Dir(), "migrate.sh"), 0o700); err != nil {
		t.Fatal(err)
	}
	apply := use.Apply()
	apply.RequireSuccess(t)
	digest, err := os.ReadFile(filepath.Join(use.Dir(), "password.sha256"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(digest)); got != sha256Hex(secret) {
		t.Errorf("the script got a password with digest %s, want the secret's %s", got, sha256Hex(secret))
	}

	for _, wd := range []*tfcli.Workdir{encrypt, use} {
		state, err := os.ReadFile(filepath.Join(wd.Dir(), "terraform.tfstate"))
		if err != nil {
			t.Fatal(err)
		}
		for _, form := range secretForms(secret) {
			if strings.Contains(string(state), form) {
				t.Errorf("the state of %s holds the secret", wd.Dir())
			}
		}
	}
	if strings.Contains(apply.Stdout+apply.Stderr, secret) {
		t.Error("the apply's output shows the secret")
	}
}

func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
