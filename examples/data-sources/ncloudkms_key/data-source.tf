# Look a key up by name (compared case-insensitively, as NCloud does)...
data "ncloudkms_key" "orders" {
  name = "orders-key"
}

# ...or by key tag.
data "ncloudkms_key" "by_tag" {
  key_tag = "8b1c4d2f0e6a4b7c9d3e5f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c"
}

output "orders_key_tag" {
  value = data.ncloudkms_key.orders.key_tag
}

# A key pending deletion is found too: status is "REVOKE" and deletion_scheduled_for says when
# NCloud will delete it.
output "orders_key_pending_deletion" {
  value = data.ncloudkms_key.orders.status == "REVOKE" ? data.ncloudkms_key.orders.deletion_scheduled_for : null
}
