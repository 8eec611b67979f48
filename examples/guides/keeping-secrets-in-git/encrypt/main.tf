terraform {
  required_providers {
    ncloudkms = {
      source = "ncloudkms/ncloudkms"
    }
  }
}

data "ncloudkms_key" "secrets" {
  name = "app-secrets"
}

# Given on the command line or as TF_VAR_db_password, never written to a file: an ephemeral
# variable is not stored in a plan either.
variable "db_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "ncloudkms_ciphertext" "db_password" {
  key_tag              = data.ncloudkms_key.secrets.key_tag
  plaintext_wo         = var.db_password
  plaintext_wo_version = 1
  context              = "orders-db"
}

output "db_password_ciphertext" {
  value = ncloudkms_ciphertext.db_password.ciphertext
}
