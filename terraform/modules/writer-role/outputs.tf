output "role_arn" {
  description = "ARN of the writer role: lifeboat's writer role_arn setting."
  value       = module.role.role_arn
}
