# A symmetric key with yearly automatic rotation. Destroying it follows deletion_policy:
# "SCHEDULE" requests deletion, and NCloud deletes the key 72 hours later unless it is restored.
resource "ncloudkms_key" "app" {
  name                 = "app-data"
  type                 = "AES256"
  memo                 = "Encrypts the application's data keys"
  rotation_period_days = 365
  deletion_policy      = "SCHEDULE"
}

# A signing key kept in an HSM, disabled until the service that uses it goes live.
resource "ncloudkms_key" "signing" {
  name            = "release-signing"
  type            = "ECDSA"
  protection_type = "COMMON_HSM"
  enabled         = false
}
