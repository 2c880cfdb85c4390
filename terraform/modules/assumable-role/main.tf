# What writer-role and reader-role have in common: a role trusted by one principal with an
# external ID, whose trust and permission documents are the side's JSON templates in
# terraform/policies (the very documents lifeboat's tests apply to Ceph RGW). Use writer-role or
# reader-role, not this module directly.

locals {
  policies = "${path.module}/../../policies"
}

resource "aws_iam_role" "this" {
  name                 = var.name
  max_session_duration = var.max_session_duration
  tags                 = var.tags

  assume_role_policy = templatefile("${local.policies}/${var.side}-trust.json", {
    principal_arn = var.principal_arn
    external_id   = var.external_id
  })
}

resource "aws_iam_role_policy" "s3" {
  name = "${var.name}-s3"
  role = aws_iam_role.this.id

  policy = templatefile("${local.policies}/${var.side}.json", {
    bucket = var.bucket
    prefix = var.prefix
  })
}

resource "aws_iam_role_policy" "kms" {
  count = var.kms_key == null ? 0 : 1
  name  = "${var.name}-kms"
  role  = aws_iam_role.this.id

  policy = templatefile("${local.policies}/${var.side}-kms.json", {
    kms_key_arn = var.kms_key.arn
  })
}
