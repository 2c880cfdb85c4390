variable "region" {
  description = "Region of the vault bucket."
  type        = string
  default     = "eu-central-1"
}

variable "backup_account_profile" {
  description = "AWS CLI profile with administrator access to the backup account (used only to apply this)."
  type        = string
}

variable "bucket" {
  description = "Name of the vault bucket."
  type        = string
}

variable "prefix" {
  description = "Key prefix for this production environment's backups."
  type        = string
  default     = "prod"
}

variable "retention_days" {
  description = "Default COMPLIANCE retention in days."
  type        = number
  default     = 35
}

variable "production_principal_arn" {
  description = "ARN of lifeboat's principal in the production account (the backup host's instance role or user): it assumes the writer role."
  type        = string
}

variable "drill_principal_arn" {
  description = "ARN of the drill host's principal (ideally in a third account): it assumes the reader role."
  type        = string
}

variable "break_glass_principal_arn" {
  description = "The backup account's break-glass principal (MFA, no automation)."
  type        = string
}

variable "writer_external_id" {
  description = "External ID for the writer role; any unguessable string, also written into lifeboat's configuration."
  type        = string
  sensitive   = true
}

variable "reader_external_id" {
  description = "External ID for the reader role."
  type        = string
  sensitive   = true
}

variable "kms_key_enabled" {
  description = "SSE-KMS with a key in the backup account."
  type        = bool
  default     = false
}
