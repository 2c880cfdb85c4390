# The reader role: may only get objects under the prefix and list the prefix; writes, deletes and
# retention changes are explicitly denied. Trust and permission documents are the JSON templates
# in terraform/policies, which lifeboat's tests apply to Ceph RGW as well.

module "role" {
  source = "../assumable-role"

  side                 = "reader"
  name                 = var.name
  bucket               = var.bucket
  prefix               = var.prefix
  principal_arn        = var.principal_arn
  external_id          = var.external_id
  max_session_duration = var.max_session_duration
  kms_key              = var.kms_key
  tags                 = var.tags
}
