resource "ncloudkms_key" "app" {
  name = "app-data"
  type = "AES256"
}

resource "ncloudkms_key_token_generator" "app" {
  key_tag = ncloudkms_key.app.key_tag
}

# A token set, issued each time Terraform runs and never written to the plan or the state.
# key_tag comes from the generator's id, so Terraform asks for tokens only once the generator exists.
ephemeral "ncloudkms_key_tokens" "app" {
  key_tag             = ncloudkms_key_token_generator.app.id
  access_token_hours  = 24
  refresh_token_hours = 720
}

# Hand the refresh token to the application where only ephemeral values may go: here a provisioner,
# whose output Terraform hides, that stores it in the application's secret store. It runs again
# whenever the generator is regenerated.
resource "terraform_data" "deliver_token" {
  triggers_replace = [ncloudkms_key_token_generator.app.generator_id]

  provisioner "local-exec" {
    command = "./store-secret.sh app/kms-refresh-token"
    environment = {
      SECRET_VALUE = ephemeral.ncloudkms_key_tokens.app.refresh_token
    }
  }
}
