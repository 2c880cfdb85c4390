variable "name" {
  description = "Name of the role."
  type        = string
  default     = "lifeboat-writer"
}

variable "bucket" {
  description = "The vault bucket (backup-vault module output bucket)."
  type        = string
}

variable "prefix" {
  description = "Key prefix of the target, without leading or trailing slash (the path of s3://bucket/prefix)."
  type        = string

  validation {
    condition     = length(var.prefix) > 0 && !startswith(var.prefix, "/") && !endswith(var.prefix, "/")
    error_message = "prefix must be non-empty, without a leading or trailing slash."
  }
}

variable "principal_arn" {
  description = "ARN of the production side's principal (lifeboat's service role or user), which may assume this role."
  type        = string
}

variable "external_id" {
  description = "External ID the principal must present when assuming the role (lifeboat's external_id setting)."
  type        = string
  sensitive   = true
}

variable "max_session_duration" {
  description = "Longest session in seconds; lifeboat asks for session_duration within it."
  type        = number
  default     = 3600
}

variable "kms_key" {
  description = "The vault's SSE-KMS key, the backup-vault output kms_key ({ arn }), or null with SSE-S3. An object rather than the ARN: whether the role gets a KMS policy must be known at plan time, before the key and its ARN exist."
  type        = object({ arn = string })
  default     = null
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
