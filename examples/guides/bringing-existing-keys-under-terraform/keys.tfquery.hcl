# keys.tfquery.hcl: what terraform query looks for. The provider block stays in the
# configuration (.tf files) of the same directory.

# Every key, up to limit (Terraform's default is 100 results per list block). Narrow it
# down with the filters of the ncloudkms_keys data source, for example
# config { name_regex = "^orders-" }.
list "ncloudkms_key" "all" {
  provider         = ncloudkms
  include_resource = true
  limit            = 1000
}

# The token generators and the IP ACLs in use on those keys.
list "ncloudkms_key_token_generator" "all" {
  provider         = ncloudkms
  include_resource = true
}

list "ncloudkms_key_acl" "all" {
  provider         = ncloudkms
  include_resource = true
}
