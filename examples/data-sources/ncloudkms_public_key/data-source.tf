resource "ncloudkms_key" "signing" {
  name = "release-signing"
  type = "ECDSA"
}

# The public key of the current version, to verify the key's signatures outside NCloud.
data "ncloudkms_public_key" "signing" {
  key_tag = ncloudkms_key.signing.key_tag
}

# The public key of one version: signatures name the version that made them (ncpkms:v{N}:...).
data "ncloudkms_public_key" "signing_v1" {
  key_tag = ncloudkms_key.signing.key_tag
  version = 1
}

output "release_signing_public_key" {
  value = data.ncloudkms_public_key.signing.public_key_pem
}
