# In a .tfquery.hcl file beside the configuration that holds the provider block.
# terraform query lists the keys; terraform query -generate-config-out=generated.tf
# also writes a resource block and an import block for each.
list "ncloudkms_key" "orders" {
  provider = ncloudkms

  # The filters of the ncloudkms_keys data source; each is optional.
  config {
    name_regex = "^orders-"
    status     = "ENABLE"
    type       = "AES256"
  }

  # Each result carries the key's attributes (one key read per result).
  include_resource = true
  limit            = 50
}
