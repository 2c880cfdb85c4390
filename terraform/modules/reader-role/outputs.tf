output "role_arn" {
  description = "ARN of the reader role: lifeboat's reader role_arn setting."
  value       = module.role.role_arn
}
