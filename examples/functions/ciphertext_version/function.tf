# Committed ciphertexts, made by ncloudkms_ciphertext at different times.
variable "ciphertexts" {
  type = map(string)
  default = {
    db_password = "ncpkms:v3:QmFzZTY0IG9mIHdoYXQgTkNsb3VkIEtNUyByZXR1cm5lZA=="
    api_token   = "ncpkms:v1:QW5vdGhlciBjaXBoZXJ0ZXh0IG9mIHRoZSBzYW1lIGtleQ=="
  }
}

# The key versions to disable (data they encrypted becomes unreadable until they are enabled again).
variable "versions_to_disable" {
  type    = list(number)
  default = [1, 2]
}

locals {
  # The key version each ciphertext needs enabled: { api_token = 1, db_password = 3 }.
  versions_in_use = { for name, c in var.ciphertexts : name => provider::ncloudkms::ciphertext_version(c) }
  still_needed    = [for name, v in local.versions_in_use : "${name} (version ${v})" if contains(var.versions_to_disable, v)]
}

# Warn on every plan while a committed ciphertext needs a version that is to be disabled.
check "no_ciphertext_needs_a_disabled_version" {
  assert {
    condition     = length(local.still_needed) == 0
    error_message = "These ciphertexts would no longer decrypt: ${join(", ", local.still_needed)}. Re-encrypt them first."
  }
}
