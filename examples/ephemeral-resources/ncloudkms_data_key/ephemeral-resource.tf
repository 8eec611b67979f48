# Envelope encryption: a new 256-bit data key on every run. Encrypt data with the data key
# (plaintext, Base64), and keep the data key only sealed by the KMS key.
ephemeral "ncloudkms_data_key" "backup" {
  key_tag = "8b1c4d2f0e6a4b7c9d3e5f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c"
  bits    = 256
  context = "nightly-backup"
}

# Hand the data key to what encrypts the data through a write-only argument of its provider, for
# example:
#
#   resource "example_backup_job" "nightly" {
#     encryption_key_wo         = ephemeral.ncloudkms_data_key.backup.plaintext
#     encryption_key_wo_version = 1
#   }
#
# Every value of an ephemeral resource is ephemeral, its ciphertext too. To keep the data key
# sealed in the state (and decrypt it later with ncloudkms_decrypt and binary = true), encrypt it
# with ncloudkms_ciphertext:
resource "ncloudkms_ciphertext" "backup_key" {
  key_tag              = "8b1c4d2f0e6a4b7c9d3e5f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c"
  plaintext_wo         = ephemeral.ncloudkms_data_key.backup.plaintext
  plaintext_wo_version = 1
  context              = "nightly-backup"
}
