# A ciphertext made once by ncloudkms_ciphertext (or by any NCloud KMS client) and committed.
variable "db_password_ciphertext" {
  type    = string
  default = "ncpkms:v1:QmFzZTY0IG9mIHdoYXQgTkNsb3VkIEtNUyByZXR1cm5lZA=="
}

ephemeral "ncloudkms_decrypt" "db_password" {
  key_tag    = "8b1c4d2f0e6a4b7c9d3e5f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c"
  ciphertext = var.db_password_ciphertext
  context    = "orders-db" # the context it was encrypted with
}

# Use the plaintext where Terraform does not store it: a write-only argument (Terraform 1.11+),
# a provider block, or another ephemeral resource. For example, to keep it under a second key:
resource "ncloudkms_ciphertext" "db_password_for_backup" {
  key_tag              = "0f2e4d6c8b0a1f3e5d7c9b1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e"
  plaintext_wo         = ephemeral.ncloudkms_decrypt.db_password.plaintext
  plaintext_wo_version = 1
}
