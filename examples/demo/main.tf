# The configuration `make demo` runs against the built-in mock: one key per deletion policy.
terraform {
  required_providers {
    ncloudkms = {
      source = "ncloudkms/ncloudkms"
    }
  }
}

# Credentials and endpoint come from NCLOUD_ACCESS_KEY, NCLOUD_SECRET_KEY and NCLOUD_KMS_ENDPOINT.
provider "ncloudkms" {}

variable "memo" {
  type    = string
  default = "created by make demo"
}

resource "ncloudkms_key" "app" {
  name                 = "demo-app"
  type                 = "AES256"
  memo                 = var.memo
  rotation_period_days = 90
}

resource "ncloudkms_key" "signing" {
  name            = "demo-signing"
  type            = "ECDSA"
  memo            = var.memo
  deletion_policy = "SCHEDULE"
}
