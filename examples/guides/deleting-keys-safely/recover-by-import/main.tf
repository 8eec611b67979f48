# Recover a key pending deletion by bringing it back under Terraform (Terraform 1.5 and later; or
# `terraform import ncloudkms_key.orders <key tag>`). The plan warns "Key pending deletion will be
# restored" and shows an update in place; the apply cancels the deletion and, as enabled = true,
# enables the key again. type, protection_type and convergent must match the key: otherwise the
# plan replaces it, and the imported key would be destroyed under the default deletion_policy.
import {
  to = ncloudkms_key.orders
  id = "name/orders-key" # or the key tag
}

resource "ncloudkms_key" "orders" {
  name            = "orders-key"
  type            = "AES256"
  deletion_policy = "SCHEDULE"
}
