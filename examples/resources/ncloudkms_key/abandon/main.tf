terraform {
  required_providers {
    ncloudkms = {
      source = "ncloudkms/ncloudkms"
    }
  }
}

provider "ncloudkms" {}

# deletion_policy = "ABANDON": destroy only removes the key from the Terraform state. The key keeps
# existing, and keeps being billed, until someone deletes it in the console or through the API.
resource "ncloudkms_key" "shared" {
  name            = "shared-key"
  type            = "RSA2048"
  deletion_policy = "ABANDON"
}
