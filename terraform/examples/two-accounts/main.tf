# Two accounts: production (where the databases, the application, its agents and lifeboat's
# backup host live) and backup (the vault). Everything here is created in the backup account;
# production only gets two role ARNs and external IDs to put into lifeboat's configuration.

provider "aws" {
  region  = var.region
  profile = var.backup_account_profile
}

module "vault" {
  source = "../../modules/backup-vault"

  bucket                    = var.bucket
  retention_days            = var.retention_days
  break_glass_principal_arn = var.break_glass_principal_arn
  kms_key_enabled           = var.kms_key_enabled
}

module "writer" {
  source = "../../modules/writer-role"

  bucket        = module.vault.bucket
  prefix        = var.prefix
  principal_arn = var.production_principal_arn
  external_id   = var.writer_external_id
  kms_key       = module.vault.kms_key
}

module "reader" {
  source = "../../modules/reader-role"

  bucket        = module.vault.bucket
  prefix        = var.prefix
  principal_arn = var.drill_principal_arn
  external_id   = var.reader_external_id
  kms_key       = module.vault.kms_key
}
