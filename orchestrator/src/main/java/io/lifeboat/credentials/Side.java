package io.lifeboat.credentials;

/** Which of a target's two credentials: they differ in what a session policy lets them do. */
public enum Side {
    /** The backup side: put objects (and abort its own unfinished uploads) only. */
    WRITER,
    /** Drills and listings: get and list only. */
    READER
}
