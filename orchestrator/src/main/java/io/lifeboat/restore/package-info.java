/**
 * {@code lifeboat restore}: disaster recovery with a person in the loop. A
 * {@link io.lifeboat.restore.RestorePlanner} shows what would happen and changes nothing; a gate
 * ({@link io.lifeboat.restore.TerminalGate}, or {@link io.lifeboat.restore.ApprovalRequests}
 * approved by another OS user) turns the plan into action; the
 * {@link io.lifeboat.restore.RestoreExecutor} verifies the backup before touching the server,
 * restores into a new database, checks it, and only then keeps or swaps it in. Every request,
 * approval, refusal and expiry goes to the {@link io.lifeboat.restore.RestoreJournal}, kept in the
 * catalog.
 */
package io.lifeboat.restore;
