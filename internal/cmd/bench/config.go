package main

import (
	"fmt"
	"strconv"
)

// The update step sets var.revision to updatedRevision; the first changedCount(n) resources take
// it as their memo (keys) or input (terraform_data), the others keep "revision 1".
const updatedRevision = 2

// changedCount is how many resources the update step changes: 10 %, at least one.
func changedCount(n int) int {
	return max(1, (n+9)/10)
}

// keyName is the name of key i; the mock starts empty, so names are unique within a run.
func keyName(i int) string {
	return fmt.Sprintf("bench-%05d", i)
}

// memoFor is the memo (or terraform_data input) resource i has at revision.
func memoFor(i, n, revision int) string {
	if i < changedCount(n) {
		return "revision " + strconv.Itoa(revision)
	}
	return "revision 1"
}

// revisionVariable is shared by both configurations; the update and destroy steps pass -var.
const revisionVariable = `variable "revision" {
  type    = number
  default = 1
}
`

// keysConfig is the configuration of n keys. One counted resource keeps the file small; Terraform
// still plans and applies every instance as its own node. The provider block sets nothing:
// endpoint and credentials come from the environment and max_retries stays at its default, so
// retries behave as they would for a user.
func keysConfig(n int) string {
	return providerConfig("ncloudkms", `
# Endpoint and credentials: NCLOUD_KMS_ENDPOINT, NCLOUD_ACCESS_KEY, NCLOUD_SECRET_KEY.
# max_retries is left at its default.`) + keyResources("ncloudkms_key", n)
}

// nullConfig is the same configuration on the null provider's nullkms_key, which has the key's
// schema and only waits the ideal's API calls.
func nullConfig(n int) string {
	return providerConfig("nullkms", "") + keyResources("nullkms_key", n)
}

// providerConfig requires the provider ncloudkms/<name> and configures it with nothing.
func providerConfig(name, comment string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    %[1]s = {
      source = "ncloudkms/%[1]s"
    }
  }
}
%[2]s
provider "%[1]s" {}

`, name, comment)
}

// keyResources is n keys of resourceType, the revision variable and the memos it sets.
func keyResources(resourceType string, n int) string {
	return fmt.Sprintf(`%s
resource %q "bench" {
  count           = %d
  name            = format("bench-%%05d", count.index)
  type            = "AES256"
  memo            = count.index < %d ? "revision ${var.revision}" : "revision 1"
  deletion_policy = "DELETE"
}
`, revisionVariable, resourceType, n, changedCount(n))
}

// floorConfig is the same shape with terraform_data, which lives inside Terraform: its steps
// cost what Terraform itself costs for n resources, with no plugin process and no API.
func floorConfig(n int) string {
	return fmt.Sprintf(`%s
resource "terraform_data" "bench" {
  count = %d
  input = count.index < %d ? "revision ${var.revision}" : "revision 1"
}
`, revisionVariable, n, changedCount(n))
}

// cliConfig points Terraform at the providers built into binDir instead of the registry.
func cliConfig(binDir string) string {
	return fmt.Sprintf(`provider_installation {
  dev_overrides {
    "ncloudkms/ncloudkms" = %q
    "ncloudkms/nullkms"   = %q
  }
  direct {}
}
`, binDir, binDir)
}
