resource "ncloudkms_key" "app" {
  name = "app-data"
  type = "AES256"
}

# Only the application servers, and the machine that runs Terraform (it asks for tokens through
# ncloudkms_key_tokens), may request tokens for the key. Addresses added in the console are
# removed by the next apply.
resource "ncloudkms_key_acl" "app" {
  key_tag = ncloudkms_key.app.key_tag
  allowed_ips = [
    "203.0.113.10", # app-1
    "203.0.113.11", # app-2
    "198.51.100.5", # the CI runner that applies this configuration
  ]
}
