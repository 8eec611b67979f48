terraform {
  required_providers {
    ncloudkms = {
      source = "ncloudkms/ncloudkms"
    }
  }
}

provider "ncloudkms" {}

# deletion_policy = "SCHEDULE": destroy only requests the deletion. The key becomes pending
# deletion (REVOKE) and NCloud deletes it 72 hours later. Until then it can be restored: cancel the
# deletion in the console, or import the key again (a key pending deletion can be imported) and apply.
resource "ncloudkms_key" "orders" {
  name            = "orders-key"
  type            = "AES256"
  deletion_policy = "SCHEDULE"
}

# Re-creating a destroyed key under the same name adopts the pending key instead of failing:
# its deletion is cancelled and it keeps its tag, versions and data.
resource "ncloudkms_key" "invoices" {
  name               = "invoices-key"
  type               = "AES256"
  deletion_policy    = "SCHEDULE"
  restore_if_pending = true
}
