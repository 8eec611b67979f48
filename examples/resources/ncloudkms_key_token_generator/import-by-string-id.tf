# Terraform 1.5 and later: import with an import block, by the key's tag.
import {
  to = ncloudkms_key_token_generator.app
  id = "0f3c9e2a8b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e"
}
