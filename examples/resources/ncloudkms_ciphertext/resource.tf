resource "ncloudkms_key" "secrets" {
  name = "app-secrets"
  type = "AES256"
}

# The plaintext comes from an ephemeral variable (Terraform 1.10+), for example
# TF_VAR_db_password, and goes to the write-only plaintext_wo (Terraform 1.11+): neither the plan
# nor the state holds it. Only the ciphertext is kept; it can be committed.
variable "db_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "ncloudkms_ciphertext" "db_password" {
  key_tag              = ncloudkms_key.secrets.key_tag
  plaintext_wo         = var.db_password
  plaintext_wo_version = 1 # change it whenever db_password changes, to encrypt it again
  context              = "orders-db"
}

output "db_password_ciphertext" {
  value = ncloudkms_ciphertext.db_password.ciphertext
}

# With a Terraform older than 1.11, plaintext instead: the state keeps it (marked sensitive).
variable "api_token" {
  type      = string
  sensitive = true
}

resource "ncloudkms_ciphertext" "api_token" {
  key_tag   = ncloudkms_key.secrets.key_tag
  plaintext = var.api_token
}
