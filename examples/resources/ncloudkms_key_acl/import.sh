# By the key's tag (64 hexadecimal characters):
terraform import ncloudkms_key_acl.app 0f3c9e2a8b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e
