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

# Set in secrets.auto.tfvars, which is committed: db_password_ciphertext = "ncpkms:v1:..."
variable "db_password_ciphertext" {
  type = string
}

ephemeral "ncloudkms_decrypt" "db_password" {
  key_tag    = data.ncloudkms_key.secrets.key_tag
  ciphertext = var.db_password_ciphertext
  context    = "orders-db"
}

# The plaintext goes only where Terraform does not store it. Here, the environment of a script
# that a provisioner runs; a write-only argument (such as password_wo) or a provider block take
# it the same way.
resource "terraform_data" "schema_migration" {
  triggers_replace = [var.db_password_ciphertext]

  provisioner "local-exec" {
    command = "./migrate.sh"
    environment = {
      DB_PASSWORD = ephemeral.ncloudkms_decrypt.db_password.plaintext
    }
  }
}
