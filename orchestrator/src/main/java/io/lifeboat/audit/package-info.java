/**
 * {@code lifeboat audit}: what each credential of a target can really do, found by trying it on
 * probe objects, and whether that is more than its role allows. Knows nothing of the AWS SDK:
 * probes come from {@link io.lifeboat.storage.PermissionProbe}.
 */
package io.lifeboat.audit;
