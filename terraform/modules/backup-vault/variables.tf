variable "bucket" {
  description = "Name of the vault bucket in the backup account."
  type        = string
}

variable "retention_days" {
  description = "Default Object Lock retention in COMPLIANCE mode: nobody, not even the account root, can delete a backup version before it ends."
  type        = number
  default     = 35

  validation {
    condition     = var.retention_days >= 1 && var.retention_days == floor(var.retention_days)
    error_message = "retention_days must be a whole number of days, at least 1."
  }
}

variable "expire_after_days" {
  description = "Days after which the lifecycle rule expires backups; at least retention_days. Null: retention_days + 1."
  type        = number
  default     = null

  validation {
    condition     = var.expire_after_days == null ? true : var.expire_after_days >= 1
    error_message = "expire_after_days must be at least 1."
  }
}

variable "break_glass_principal_arn" {
  description = "The one principal that may change the bucket policy, Object Lock configuration and lifecycle, or delete object versions (after retention). Keep it behind MFA and out of automation."
  type        = string
}

variable "kms_key_enabled" {
  description = "Encrypt objects with a customer-managed KMS key in the backup account (SSE-KMS) instead of SSE-S3."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
