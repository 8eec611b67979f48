terraform {
  required_providers {
    ncloudkms = {
      source = "ncloudkms/ncloudkms"
    }
  }
}

# Every ciphertext of this key becomes unreadable for ever if the key is deleted: keep a recovery
# window, and refuse deletion outright.
resource "ncloudkms_key" "secrets" {
  name                 = "app-secrets"
  type                 = "AES256"
  rotation_period_days = 365
  deletion_policy      = "SCHEDULE"
  deletion_protection  = true
}
