variable "app_server_ips" {
  description = "The addresses the application reaches NCloud KMS from."
  type        = list(string)
  default     = ["203.0.113.10", "203.0.113.11"]
}

variable "terraform_runner_ip" {
  description = "The address the machine that runs Terraform reaches NCloud KMS from: it asks for the tokens."
  type        = string
  default     = "198.51.100.5"
}

variable "token_rotation" {
  description = "Change it to revoke every token of the key and hand the application new ones."
  type        = string
  default     = "2026-q1"
}

variable "store_secret_command" {
  description = "Stores the value of SECRET_VALUE where the application reads its refresh token."
  type        = string
  default     = "./store-secret.sh app/kms-refresh-token"
}

resource "ncloudkms_key" "app" {
  name            = "app-data"
  type            = "AES256"
  deletion_policy = "SCHEDULE"
}

# 1. Who may ask for tokens: the application servers and the Terraform runner.
resource "ncloudkms_key_acl" "app" {
  key_tag     = ncloudkms_key.app.key_tag
  allowed_ips = concat(var.app_server_ips, [var.terraform_runner_ip])
}

# 2. What issues the tokens. A new token_rotation replaces it, revoking every token it issued.
resource "ncloudkms_key_token_generator" "app" {
  key_tag = ncloudkms_key.app.key_tag
  regenerate_triggers = {
    rotation = var.token_rotation
  }
}

# 3. A token set for the application, never written to the plan or the state.
ephemeral "ncloudkms_key_tokens" "app" {
  key_tag             = ncloudkms_key_token_generator.app.id
  access_token_hours  = 1
  refresh_token_hours = 2160
  depends_on          = [ncloudkms_key_acl.app]
}

# 4. The hand-over: the refresh token goes to the application's secret store, again after every
# regeneration. Terraform hides the output of a provisioner that uses an ephemeral value.
resource "terraform_data" "deliver_refresh_token" {
  triggers_replace = [ncloudkms_key_token_generator.app.generator_id]

  provisioner "local-exec" {
    command = var.store_secret_command
    environment = {
      SECRET_VALUE = ephemeral.ncloudkms_key_tokens.app.refresh_token
    }
  }
}
