terraform {
  required_providers {
    ncloudkms = {
      source = "ncloudkms/ncloudkms"
    }
  }
}

provider "ncloudkms" {}

# deletion_policy = "DELETE" (the default): destroy requests the deletion and then deletes the key
# at once. It cannot be undone: data encrypted under any version of the key becomes unreadable.
# `terraform plan` warns "Key will be deleted permanently" before it happens.
resource "ncloudkms_key" "scratch" {
  name            = "scratch-key"
  type            = "AES256"
  deletion_policy = "DELETE"
}
