# The IP ACLs in use (on, or listing an address) on the enabled keys.
list "ncloudkms_key_acl" "enabled_keys" {
  provider = ncloudkms

  config {
    status = "ENABLE"
  }

  include_resource = true
}
