output "bucket" {
  description = "The vault bucket's name."
  # .bucket, not .id: the same name, but known at plan time, so the plan shows the roles' policies
  value = aws_s3_bucket.vault.bucket
}

output "bucket_arn" {
  description = "The vault bucket's ARN."
  value       = aws_s3_bucket.vault.arn
}

output "region" {
  description = "The vault bucket's region."
  value       = aws_s3_bucket.vault.region
}

output "kms_key" {
  description = "The SSE-KMS key as an object ({ arn }), or null with SSE-S3: for writer-role and reader-role, whose count of KMS policies must be known before the key exists."
  value       = var.kms_key_enabled ? { arn = aws_kms_key.vault[0].arn } : null
}

output "kms_key_arn" {
  description = "The SSE-KMS key's ARN, or null with SSE-S3. Writer and reader roles need kms:GenerateDataKey and kms:Decrypt on it respectively."
  value       = var.kms_key_enabled ? aws_kms_key.vault[0].arn : null
}

output "retention_days" {
  description = "Default COMPLIANCE retention in days."
  value       = var.retention_days
}
