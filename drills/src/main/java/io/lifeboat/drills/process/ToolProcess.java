package io.lifeboat.drills.process;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/**
 * A database tool that is running somewhere: a child process on this host
 * ({@link ChildProcess}) or a command inside a sandbox's container
 * ({@code io.lifeboat.drills.docker.ContainerExec}). Clients drive both the same way: write
 * {@link #stdin()} and close it for end of input, read {@link #stdout()}, then
 * {@link #waitFor} the exit status; stderr is drained meanwhile into the outcome's tail.
 */
public interface ToolProcess extends AutoCloseable {

    /** The tool's standard input; closing it is the tool's end of input. */
    OutputStream stdin();

    /** The tool's standard output; it must be read (or drained), or the tool blocks once a buffer fills. */
    InputStream stdout();

    /** Kills the tool (SIGKILL) and does not wait. */
    void kill();

    /**
     * Waits for the exit, and for stderr to be read to its end. Past {@code timeout} the tool is
     * killed and the outcome says it timed out.
     */
    ProcessOutcome waitFor(long timeout, TimeUnit unit);

    /** Kills the tool if it is still running and releases what it holds. */
    @Override
    void close();
}
