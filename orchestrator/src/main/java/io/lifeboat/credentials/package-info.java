/**
 * Where the writer's and reader's cloud credentials come from: shared credentials files (refused
 * unless private to their owner) or the AWS default chain. With {@code storage.s3}, the only
 * package that imports the AWS SDK.
 */
package io.lifeboat.credentials;
