resource "ncloudkms_key" "app" {
  name = "app-data"
  type = "AES256"
}

# The key's token generator. Changing regenerate_triggers replaces it in place: every token it
# issued stops working, which the plan says with the warning "Key tokens will be revoked".
resource "ncloudkms_key_token_generator" "app" {
  key_tag = ncloudkms_key.app.key_tag
  regenerate_triggers = {
    rotation = "2026-q1" # change it to revoke every token the application holds
  }
  deletion_protection = true # destroy, replacement and regeneration fail at plan time
}
