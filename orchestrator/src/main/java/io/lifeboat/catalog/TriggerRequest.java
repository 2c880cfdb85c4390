package io.lifeboat.catalog;

import java.time.Instant;

/**
 * A request, written by {@code lifeboat trigger}, that the scheduler run a job now.
 *
 * @param id          the row's id
 * @param kind        backup or drill
 * @param name        the source's or drill's name
 * @param requestedAt when it was asked for
 * @param requestedBy user and host of the caller
 */
public record TriggerRequest(long id, JobKind kind, String name, Instant requestedAt, String requestedBy) {
}
