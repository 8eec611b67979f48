# Rotate on demand, keep an old version disabled, and give each operation a time limit.
resource "ncloudkms_key" "orders" {
  name = "orders-key"
  type = "AES256"

  # Change any value to rotate the key once, in place (for example in an incident runbook).
  rotation_triggers = {
    suspected_leak = "2026-11-30"
  }

  # Version 1 stays disabled: data encrypted under it cannot be decrypted until it is removed here.
  disabled_versions = [1]

  # Refuse to delete or schedule the deletion of the key while an application used it in the last 30 days.
  refuse_deletion_if_used_within = "720h"

  timeouts {
    create = "5m"
    delete = "5m"
  }
}
