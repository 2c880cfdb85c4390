/**
 * The orchestrator's side of drills: picking the backup, fetching and verifying it with the
 * reader credential, wiring the sandbox and checks from configuration, persisting results and
 * alerting. The restore and checks themselves live in the drills library.
 */
package io.lifeboat.drill;
