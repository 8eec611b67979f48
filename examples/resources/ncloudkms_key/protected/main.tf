terraform {
  required_providers {
    ncloudkms = {
      source = "ncloudkms/ncloudkms"
    }
  }
}

provider "ncloudkms" {}

# deletion_protection = true: any plan that would destroy or replace this key fails at plan time
# with "Key deletion blocked by deletion_protection". To delete it on purpose, first apply
# deletion_protection = false, then destroy. deletion_policy still says what that destroy does.
resource "ncloudkms_key" "root" {
  name                 = "root-key"
  type                 = "AES256"
  protection_type      = "COMMON_HSM"
  rotation_period_days = 90
  deletion_protection  = true
  deletion_policy      = "SCHEDULE"
}
