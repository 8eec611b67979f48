# Which versions of a key exist, which one is current, and which are enabled.
data "ncloudkms_key_versions" "orders" {
  key_tag = "8b1c4d2f0e6a4b7c9d3e5f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c"
}

output "orders_current_version" {
  value = data.ncloudkms_key_versions.orders.current_version
}

# Versions whose data can no longer be decrypted until they are enabled again.
output "orders_disabled_versions" {
  value = [for v in data.ncloudkms_key_versions.orders.versions : v.version if !v.enabled]
}
