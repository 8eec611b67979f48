# Terraform 1.5 and later: import with an import block, by key tag or by name/<keyName>.
import {
  to = ncloudkms_key.app
  id = "name/app-data"
}
