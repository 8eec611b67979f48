# Every key of the account on the provider's host, all pages.
data "ncloudkms_keys" "all" {}

# Enabled AES256 keys whose name starts with "app-".
data "ncloudkms_keys" "app" {
  status     = "ENABLE"
  type       = "AES256"
  name_regex = "^app-"
}

# Keys pending deletion, with the date NCloud will delete each one.
data "ncloudkms_keys" "pending_deletion" {
  status = "REVOKE"
}

output "app_key_tags" {
  value = data.ncloudkms_keys.app.ids
}

output "keys_pending_deletion" {
  value = { for k in data.ncloudkms_keys.pending_deletion.keys : k.name => k.deletion_scheduled_for }
}
