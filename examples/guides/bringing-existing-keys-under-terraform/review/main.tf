# A generated key after review: renamed from all_2, its key tag a reference, and its deletion
# settings chosen. Neither a destroy nor a replacement can delete it while deletion_protection is
# true; once it is false, destroying it only schedules the deletion (72 hours to cancel it).
resource "ncloudkms_key" "orders_db" {
  name                 = "orders-db"
  type                 = "AES256"
  memo                 = "orders database"
  rotation_period_days = 90

  deletion_protection = true
  deletion_policy     = "SCHEDULE"
}

import {
  to = ncloudkms_key.orders_db
  identity = {
    key_tag = "caf5697cf28436a7e9660c67ec2899cf822651d77b993a3c7fc6705acec6f10a"
  }
}

resource "ncloudkms_key_token_generator" "orders_db" {
  key_tag             = ncloudkms_key.orders_db.key_tag
  deletion_protection = true
}

import {
  to = ncloudkms_key_token_generator.orders_db
  identity = {
    key_tag = "caf5697cf28436a7e9660c67ec2899cf822651d77b993a3c7fc6705acec6f10a"
  }
}
