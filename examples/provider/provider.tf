terraform {
  required_providers {
    ncloudkms = {
      source = "ncloudkms/ncloudkms"
    }
  }
}

variable "ncloud_access_key" {
  type = string
}

variable "ncloud_secret_key" {
  type      = string
  sensitive = true
}

# Keys isolated in Korea on the public site. Leave access_key and secret_key out to use
# NCLOUD_ACCESS_KEY / NCLOUD_SECRET_KEY or ~/.ncloud/configure instead.
provider "ncloudkms" {
  access_key   = var.ncloud_access_key
  secret_key   = var.ncloud_secret_key
  site         = "public"
  key_boundary = "korea"

  # Optional: retry throttled or failed calls up to 5 times, each attempt at most 30 seconds.
  max_retries     = 5
  request_timeout = "30s"

  # Optional: safe by default. Every key that sets no deletion_policy keeps a 72-hour recovery
  # window on destroy, and every key and token generator that sets no deletion_protection makes
  # destroy and replacement fail at plan time.
  default_deletion_policy     = "SCHEDULE"
  default_deletion_protection = true
}
