# Recover a key pending deletion with a new resource of the same name. Without restore_if_pending
# the plan fails with "Key name held by a key pending deletion"; with it, the plan warns "Key
# pending deletion will be adopted" and the apply cancels the deletion and manages that key, with
# its tag, versions and data. type, protection_type and convergent must match the pending key.
resource "ncloudkms_key" "orders" {
  name               = "orders-key"
  type               = "AES256"
  deletion_policy    = "SCHEDULE"
  restore_if_pending = true
}
