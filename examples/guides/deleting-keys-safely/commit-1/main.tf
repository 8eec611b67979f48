# Commit 1 of 2: say what the removal will do, and apply this change on its own. Terraform reads
# deletion_policy and deletion_protection from the state when it destroys, so they must be
# applied before the commit that removes the key. This plan is an in-place update of those two
# arguments only, and its apply changes nothing in NCloud.
resource "ncloudkms_key" "orders" {
  name                = "orders-key"
  type                = "AES256"
  deletion_policy     = "SCHEDULE" # was "DELETE" (the default): keep the 72-hour recovery window
  deletion_protection = false      # was true: a protected key cannot be destroyed
}
