package io.lifeboat;

/**
 * The exit codes every lifeboat command returns. They are part of the public contract: cron
 * wrappers, systemd units and monitoring read them, so their meaning never changes.
 */
public enum ExitCode {
    /** The job ran and succeeded. */
    OK(0),
    /** The job ran and failed: a dump broke, a drill FAILED, an audit found a hole. */
    FAILED(1),
    /** Bad usage or invalid configuration: nothing was attempted. */
    USAGE(2),
    /** The job could not complete: target or database unreachable, sandbox could not start. */
    INCOMPLETE(3);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
