# The token generators of the keys whose name starts with "orders-".
list "ncloudkms_key_token_generator" "orders" {
  provider = ncloudkms

  config {
    name_regex = "^orders-"
  }

  include_resource = true
}
