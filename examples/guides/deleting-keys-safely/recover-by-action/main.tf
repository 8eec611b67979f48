# Kept beside the configuration that destroyed the key (Terraform 1.14 and later). Invoking it
# cancels the deletion and enables the key again; nothing happens on a plain plan or apply:
#   terraform apply -invoke=action.ncloudkms_cancel_key_deletion.orders
action "ncloudkms_cancel_key_deletion" "orders" {
  config {
    name   = "orders-key"
    enable = true
  }
}
