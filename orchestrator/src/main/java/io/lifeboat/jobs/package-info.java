/**
 * Running a job — one backup of a source, one drill — the same way whoever starts it: a one-shot
 * command from a person or system cron, a schedule of {@code lifeboat serve}, or a trigger
 * request. Each run takes the job's lock first (no two runs of one job overlap, across processes
 * and nodes) and is recorded in the catalog with its outcome, whatever the outcome.
 */
package io.lifeboat.jobs;
