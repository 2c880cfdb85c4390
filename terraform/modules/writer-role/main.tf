# The writer role: may only put objects (and abort its own multipart uploads) under the prefix;
# reads, listing, deletes and retention changes are explicitly denied (on Ceph RGW an uploader
# could otherwise read its own objects). Trust and permission documents are the JSON templates in
# terraform/policies, which lifeboat's tests apply to Ceph RGW as well.

module "role" {
  source = "../assumable-role"

  side                 = "writer"
  name                 = var.name
  bucket               = var.bucket
  prefix               = var.prefix
  principal_arn        = var.principal_arn
  external_id          = var.external_id
  max_session_duration = var.max_session_duration
  kms_key              = var.kms_key
  tags                 = var.tags
}
