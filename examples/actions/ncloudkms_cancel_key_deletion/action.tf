# Take back a key pending deletion, for example after terraform destroy with
# deletion_policy = "SCHEDULE", within the 72 hours before NCloud deletes it:
#   terraform apply -invoke=action.ncloudkms_cancel_key_deletion.orders
# The plan refuses a key that is not pending deletion or does not exist, before any change.
action "ncloudkms_cancel_key_deletion" "orders" {
  config {
    name   = "orders-key" # or key_tag = "<key tag>"
    enable = true         # NCloud leaves the key disabled after the cancellation
  }
}
