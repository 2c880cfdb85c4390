variable "name" {
  description = "Name of the role."
  type        = string
}

variable "side" {
  description = "writer or reader: picks the policy templates in terraform/policies (<side>-trust.json, <side>.json, <side>-kms.json)."
  type        = string

  validation {
    condition     = contains(["writer", "reader"], var.side)
    error_message = "side must be writer or reader."
  }
}

variable "bucket" {
  description = "The vault bucket."
  type        = string
}

variable "prefix" {
  description = "Key prefix of the target, without leading or trailing slash."
  type        = string
}

variable "principal_arn" {
  description = "ARN of the principal that may assume this role."
  type        = string
}

variable "external_id" {
  description = "External ID the principal must present."
  type        = string
  sensitive   = true
}

variable "max_session_duration" {
  description = "Longest session in seconds."
  type        = number
}

variable "kms_key" {
  description = "The vault's SSE-KMS key, or null with SSE-S3."
  type        = object({ arn = string })
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
}
