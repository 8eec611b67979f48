# Rotate the key now:
#   terraform apply -invoke=action.ncloudkms_rotate_key.app
# The plan refuses a key that is not enabled, before any change; the apply makes one rotation and
# reports the new version. The key's resource takes that version at its next refresh, with no change.
action "ncloudkms_rotate_key" "app" {
  config {
    key_tag = ncloudkms_key.app.key_tag
  }
}

resource "ncloudkms_key" "app" {
  name = "app-data"
  type = "AES256"
}

# Rotate it on every release too: when terraform_data.release is created or its input changes.
resource "terraform_data" "release" {
  input = var.release

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.ncloudkms_rotate_key.app]
    }
  }
}

variable "release" {
  type        = string
  description = "The version being released, such as v1.4.2."
}
