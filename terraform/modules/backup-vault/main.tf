# The vault: versioned, Object Lock COMPLIANCE by default, expired only by lifecycle after the
# retention, never public, TLS only, and a bucket policy that keeps everyone but the break-glass
# principal from deleting versions or loosening any of this. The policy document is the JSON
# template in terraform/policies, which lifeboat's tests apply to Ceph RGW as well.

locals {
  expire_after_days = coalesce(var.expire_after_days, var.retention_days + 1)
}

resource "aws_s3_bucket" "vault" {
  bucket              = var.bucket
  object_lock_enabled = true
  tags                = var.tags

  lifecycle {
    precondition {
      condition     = local.expire_after_days >= var.retention_days
      error_message = "expire_after_days must not be shorter than retention_days: expiry would only add delete markers that hide locked versions."
    }
  }
}

resource "aws_s3_bucket_versioning" "vault" {
  bucket = aws_s3_bucket.vault.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_object_lock_configuration" "vault" {
  bucket = aws_s3_bucket.vault.id

  rule {
    default_retention {
      mode = "COMPLIANCE"
      days = var.retention_days
    }
  }

  depends_on = [aws_s3_bucket_versioning.vault]
}

resource "aws_s3_bucket_lifecycle_configuration" "vault" {
  bucket = aws_s3_bucket.vault.id

  rule {
    id     = "expire-after-retention"
    status = "Enabled"

    filter {}

    expiration {
      days = local.expire_after_days
    }

    noncurrent_version_expiration {
      noncurrent_days = local.expire_after_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 2
    }
  }

  depends_on = [aws_s3_bucket_versioning.vault]
}

resource "aws_s3_bucket_public_access_block" "vault" {
  bucket                  = aws_s3_bucket.vault.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "vault" {
  bucket = aws_s3_bucket.vault.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_kms_key" "vault" {
  count                   = var.kms_key_enabled ? 1 : 0
  description             = "lifeboat vault ${var.bucket}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = var.tags
}

resource "aws_s3_bucket_server_side_encryption_configuration" "vault" {
  bucket = aws_s3_bucket.vault.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_enabled ? "aws:kms" : "AES256"
      kms_master_key_id = var.kms_key_enabled ? aws_kms_key.vault[0].arn : null
    }
    bucket_key_enabled = var.kms_key_enabled
  }
}

resource "aws_s3_bucket_policy" "vault" {
  bucket = aws_s3_bucket.vault.id

  policy = templatefile("${path.module}/../../policies/vault-bucket.json", {
    bucket                    = var.bucket
    break_glass_principal_arn = var.break_glass_principal_arn
  })

  depends_on = [aws_s3_bucket_public_access_block.vault]
}
