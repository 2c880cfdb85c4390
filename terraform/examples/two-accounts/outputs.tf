output "writer_role_arn" {
  description = "The writer role lifeboat's backup host assumes."
  value       = module.writer.role_arn
}

output "reader_role_arn" {
  description = "The reader role the drill host assumes."
  value       = module.reader.role_arn
}

output "lifeboat_target" {
  description = "The matching target for lifeboat.yaml (external IDs are sensitive: see terraform output -json)."
  sensitive   = true
  value       = <<-EOT
    targets:
      vault:
        url: s3://${module.vault.bucket}/${var.prefix}
        region: ${module.vault.region}
        # No object_lock here: the bucket's default COMPLIANCE retention (${module.vault.retention_days} days)
        # applies to every backup, and the writer role may not set retention itself.
        write_credentials:
          role_arn: ${module.writer.role_arn}
          external_id: ${var.writer_external_id}
          session_duration: 15m
          session_policy: prefix
        read_credentials:
          role_arn: ${module.reader.role_arn}
          external_id: ${var.reader_external_id}
          session_duration: 1h
          session_policy: prefix
  EOT
}
