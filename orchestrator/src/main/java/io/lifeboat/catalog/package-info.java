/**
 * The catalog: the queryable record of every backup run and drill run (outcome, reason, timings,
 * sizes, backup age, restore time), every step of every {@code lifeboat restore}, the scheduler's
 * trigger requests, and the job locks that keep
 * two runs of one job from overlapping. Plain JDBC on an H2 file in the state directory, or on
 * PostgreSQL for a cluster; the schema is lifeboat's own, versioned DDL under
 * {@code resources/io/lifeboat/catalog/}. The bucket stays the source of truth for what is stored:
 * {@link io.lifeboat.catalog.CatalogSync} rebuilds the backup entries from its manifests.
 */
package io.lifeboat.catalog;
