package io.lifeboat.drills.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectExecResponse;
import com.github.dockerjava.api.exception.DockerException;
import io.lifeboat.drills.process.ChildProcess;
import io.lifeboat.drills.process.ProcessOutcome;
import io.lifeboat.drills.process.ToolProcess;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.dockerclient.TransportConfig;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A command running in a container, driven like a child process ({@link ToolProcess}): its
 * standard input is written through the engine's exec API, its standard output read back as a
 * stream, its stderr kept as a tail. The way a restore and the checks reach a database in a
 * container that has no network.
 *
 * <p>Why not docker-java's {@code execStartCmd(id).withStdIn(stream)}: it sends the bytes but
 * never half-closes the connection afterwards (docker-java issues 1315, 1552, 1684; its
 * httpclient5/zerodep transport has no {@code shutdownOutput}), so the engine never closes the
 * command's stdin and {@code psql} or {@code pg_restore} waits for more input forever. The
 * Docker CLI closes the write side ({@code CloseWrite}) at end of input; so does this class
 * ({@link #stdin()}{@code .close()}): it creates the exec and reads its exit code through
 * docker-java, and does the exec start itself, on its own connection to the engine (HTTP upgrade
 * to a raw stream, as the CLI does). Reads and writes use the {@link SocketChannel} directly:
 * on JDK 17, {@code Channels.newInputStream}/{@code newOutputStream} on one channel share a lock
 * and deadlock when one thread reads while another writes.
 *
 * <p>The engine has no API to signal an exec's process, so the command is started through
 * {@code sh}, which writes its PID as the first line of stderr and then {@code exec}s the command
 * (same process, arguments untouched, no shell parsing of them); {@link #kill()} runs
 * {@code kill -KILL PID} in the container. The image needs a POSIX {@code sh}, which every
 * database image has.
 *
 * <p>Engines on {@code unix://} and plain {@code tcp://} only (no TLS).
 */
public final class ContainerExec implements ToolProcess {

    /** Bytes of stdout and of stderr {@link #run} keeps each. */
    public static final int OUTPUT_LIMIT = 64 * 1024;

    private static final int CHUNK = 64 * 1024;
    private static final int STDERR_TAIL = 16 * 1024;
    private static final String PID_PREFIX = "lifeboat-exec-pid ";
    /** Prints the shell's PID (which becomes the command's on exec) on stderr, then runs the command as given. */
    private static final String PID_WRAPPER = "echo \"" + PID_PREFIX + "$$\" >&2; exec \"$0\" \"$@\"";
    /** How long the exit code may lag behind the end of the output in the engine's records. */
    private static final Duration EXIT_CODE_LAG = Duration.ofSeconds(10);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

    private final DockerClient docker;
    private final String containerId;
    private final String execId;
    private final String name;
    private final SocketChannel channel;
    private final PipedInputStream stdout;
    private final ChildProcess.StderrTail stderr = new ChildProcess.StderrTail(STDERR_TAIL);
    private final CountDownLatch pidKnown = new CountDownLatch(1);
    private final CountDownLatch outputEnded = new CountDownLatch(1);
    private final OutputStream stdin = new ChannelStdin();
    private volatile long pid = -1;

    private ContainerExec(DockerClient docker, String containerId, String execId, String name, SocketChannel channel)
            throws IOException {
        this.docker = docker;
        this.containerId = containerId;
        this.execId = execId;
        this.name = name;
        this.channel = channel;
        this.stdout = new PipedInputStream(CHUNK);
        PipedOutputStream stdoutSink = new PipedOutputStream(stdout);
        Thread reader = new Thread(() -> demultiplex(stdoutSink), "container-exec-" + name + "-" + shortId(execId));
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code command} (no shell parses it) in the running container {@code containerId}.
     * {@code env} is the exec's extra environment; it must not hold secrets (it is visible in the
     * engine's records of the exec).
     *
     * @throws IllegalStateException the engine refused the exec or could not be reached
     */
    public static ContainerExec start(DockerClient docker, String containerId, List<String> command,
                                      Map<String, String> env) {
        List<String> wrapped = new ArrayList<>(List.of("sh", "-c", PID_WRAPPER));
        wrapped.addAll(command);
        String name = command.get(0).substring(command.get(0).lastIndexOf('/') + 1);
        String execId;
        try {
            execId = docker.execCreateCmd(containerId)
                    .withCmd(wrapped.toArray(String[]::new))
                    .withEnv(env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                    .withAttachStdin(true)
                    .withAttachStdout(true)
                    .withAttachStderr(true)
                    .exec()
                    .getId();
        } catch (DockerException | IllegalStateException e) {
            throw new IllegalStateException("could not run " + name + " in container " + shortId(containerId) + ": "
                    + e.getMessage(), e);
        }
        SocketChannel channel = null;
        try {
            channel = connect();
            startHijacked(channel, execId);
            return new ContainerExec(docker, containerId, execId, name, channel);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new IllegalStateException("could not start " + name + " in container " + shortId(containerId) + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * What {@link #run} left behind.
     *
     * @param exitCode   the command's exit code, from the engine
     * @param stdout     its standard output, up to {@link #OUTPUT_LIMIT} bytes
     * @param stderr     the tail of its standard error
     * @param stdinBytes bytes of the input stream sent to the command before its stdin was closed
     * @param stdinError why sending the input stopped early, or {@code null} if all of it was sent
     */
    public record Outcome(long exitCode, String stdout, String stderr, long stdinBytes, String stdinError) {
    }

    /**
     * Runs {@code command} in {@code container} with {@code stdin} as its standard input, to its
     * end: the stream is sent until its end, then the command's stdin is closed. If the command
     * exits before reading all its input, sending stops; {@link Outcome#stdinBytes()} says how much
     * was sent. A non-zero exit code is returned, not thrown.
     *
     * @throws IllegalStateException if the command has not exited within {@code timeout} (it is
     *                               killed), or the engine refused the exec
     */
    public static Outcome run(Container<?> container, InputStream stdin, Duration timeout, String... command)
            throws InterruptedException {
        try (ContainerExec exec = start(container.getDockerClient(), container.getContainerId(), List.of(command), Map.of())) {
            AtomicLong sent = new AtomicLong();
            AtomicReference<String> sendError = new AtomicReference<>();
            // One thread writes while this one reads: a command that writes much output before it
            // reads all its input would otherwise block on a full pipe, and so would we.
            Thread writer = new Thread(() -> {
                byte[] buffer = new byte[CHUNK];
                try (OutputStream in = exec.stdin()) {
                    int n;
                    while ((n = stdin.read(buffer)) != -1) {
                        in.write(buffer, 0, n);
                        sent.addAndGet(n);
                    }
                } catch (IOException e) {
                    // Typically the command exited without reading everything; its exit code says more.
                    sendError.set(e.toString());
                }
            }, "container-exec-stdin-" + shortId(exec.execId));
            writer.setDaemon(true);
            writer.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                byte[] buffer = new byte[CHUNK];
                int n;
                while ((n = exec.stdout().read(buffer)) != -1) {
                    out.write(buffer, 0, Math.min(n, Math.max(0, OUTPUT_LIMIT - out.size())));
                }
            } catch (IOException e) {
                // the stream broke; the outcome below says how the command ended
            }
            ProcessOutcome outcome = exec.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            writer.join(KILL_TIMEOUT.toMillis());
            if (outcome.timedOut()) {
                throw new IllegalStateException("command " + List.of(command) + " did not finish within " + timeout
                        + " and was killed");
            }
            return new Outcome(outcome.exitCode(), out.toString(StandardCharsets.UTF_8), outcome.stderrTail(),
                    sent.get(), sendError.get());
        }
    }

    @Override
    public OutputStream stdin() {
        return stdin;
    }

    @Override
    public InputStream stdout() {
        return stdout;
    }

    /** The exec's id in the engine. */
    public String execId() {
        return execId;
    }

    /**
     * Runs {@code kill -KILL} on the command's PID in the container, once the command has said
     * its PID (it does so before anything else). Does not wait for the command's end.
     */
    @Override
    public void kill() {
        try {
            if (!pidKnown.await(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || pid < 0) {
                return; // it never started, or ended before saying its PID: nothing to kill
            }
            if (outputEnded.getCount() == 0) {
                return; // already gone; its PID may belong to something else by now
            }
            // sh's builtin: minimal images (Debian minbase) have no kill binary
            String killer = docker.execCreateCmd(containerId).withCmd("sh", "-c", "kill -KILL \"$0\"", Long.toString(pid))
                    .exec().getId();
            docker.execStartCmd(killer).withDetach(false).exec(new ResultCallback.Adapter<>())
                    .awaitCompletion(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // The container itself is gone or stopping: so is the command. Closing our end below
            // unblocks whoever still reads.
            closeChannel();
        }
    }

    /**
     * Waits for the command's output to end (the engine closes the stream when it exits), then for
     * the engine to record its exit code. Past {@code timeout} the command is killed.
     */
    @Override
    public ProcessOutcome waitFor(long timeout, TimeUnit unit) {
        boolean timedOut = false;
        try {
            if (!outputEnded.await(timeout, unit)) {
                timedOut = true;
                kill();
                if (!outputEnded.await(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    closeChannel();
                    return new ProcessOutcome(name, -1, true, stderr.text());
                }
            }
            long deadline = System.nanoTime() + EXIT_CODE_LAG.toNanos();
            while (true) {
                InspectExecResponse exec = docker.inspectExecCmd(execId).exec();
                if (!Boolean.TRUE.equals(exec.isRunning()) && exec.getExitCodeLong() != null) {
                    return new ProcessOutcome(name, exec.getExitCodeLong().intValue(), timedOut, stderr.text());
                }
                if (System.nanoTime() > deadline) {
                    return new ProcessOutcome(name, -1, timedOut, stderr.text() + "\n(the engine recorded no exit code)");
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            return new ProcessOutcome(name, -1, true, stderr.text());
        } catch (RuntimeException e) {
            // the container went away under the command (stopped, removed)
            return new ProcessOutcome(name, -1, timedOut, stderr.text() + "\n(" + e.getMessage() + ")");
        }
    }

    /** Kills the command if its output has not ended yet, and closes the connection to the engine. */
    @Override
    public void close() {
        if (outputEnded.getCount() > 0) {
            kill();
            try {
                outputEnded.await(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeChannel();
    }

    private void closeChannel() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing only to release the connection and unblock readers
        }
    }

    /**
     * Reads the engine's multiplexed stream until the engine closes it: frames of an 8-byte header
     * (stream 1 = stdout, 2 = stderr; bytes 4 to 7 = payload length, big-endian) and the payload.
     * stdout goes to the pipe {@link #stdout()} reads (blocking when nobody reads, as a child's
     * stdout does); stderr into the tail, after the wrapper's PID line.
     */
    private void demultiplex(PipedOutputStream stdoutSink) {
        ByteBuffer header = ByteBuffer.allocate(8);
        ByteBuffer payload = ByteBuffer.allocate(CHUNK);
        ByteArrayOutputStream pidLine = new ByteArrayOutputStream();
        boolean stdoutOpen = true;
        try {
            while (readFully(channel, header.clear())) {
                int stream = header.get(0);
                long length = Integer.toUnsignedLong(header.getInt(4));
                while (length > 0) {
                    payload.clear().limit((int) Math.min(payload.capacity(), length));
                    if (!readFully(channel, payload)) {
                        throw new IOException("the engine's stream ended inside a frame");
                    }
                    length -= payload.limit();
                    if (stream == 2) {
                        int from = pidKnown.getCount() > 0 ? readPid(payload, pidLine) : 0;
                        stderr.append(payload.array(), from, payload.limit() - from);
                    } else if (stdoutOpen) {
                        try {
                            stdoutSink.write(payload.array(), 0, payload.limit());
                        } catch (IOException readerGone) {
                            stdoutOpen = false; // nobody reads stdout any more: drop it, keep stderr coming
                        }
                    }
                }
            }
        } catch (IOException e) {
            // The connection was closed (kill, deadline) or broke: the output ends here.
        } finally {
            pidKnown.countDown();
            try {
                // The command has exited. The engine stops reading its stdin, so a writer blocked on
                // a full socket buffer would wait for the engine's own timeout (two minutes here):
                // shutting our write side wakes it with an error, as a closed pipe would.
                channel.shutdownOutput();
            } catch (IOException ignored) {
                // already closed
            }
            try {
                stdoutSink.close();
            } catch (IOException ignored) {
                // the reader is gone
            }
            outputEnded.countDown();
        }
    }

    /** Takes the wrapper's PID line from the start of stderr; returns where the command's own stderr begins. */
    private int readPid(ByteBuffer payload, ByteArrayOutputStream pidLine) {
        for (int i = 0; i < payload.limit(); i++) {
            byte b = payload.get(i);
            if (b == '\n') {
                String line = pidLine.toString(StandardCharsets.US_ASCII);
                if (line.startsWith(PID_PREFIX)) {
                    try {
                        pid = Long.parseLong(line.substring(PID_PREFIX.length()).strip());
                    } catch (NumberFormatException ignored) {
                        // no PID: kill() has nothing to signal
                    }
                }
                pidKnown.countDown();
                return i + 1;
            }
            pidLine.write(b);
        }
        return payload.limit();
    }

    /** A new connection to the engine Testcontainers uses. */
    private static SocketChannel connect() throws IOException {
        TransportConfig transport = DockerClientFactory.instance().getTransportConfig();
        URI host = transport.getDockerHost();
        if ("unix".equals(host.getScheme())) {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(host.getPath()));
            return channel;
        }
        if ("tcp".equals(host.getScheme()) && transport.getSslConfig() == null) {
            return SocketChannel.open(new InetSocketAddress(host.getHost(), host.getPort()));
        }
        throw new IllegalStateException("exec with stdin needs a unix:// or plain tcp:// engine, not " + host);
    }

    /** {@code POST /exec/ID/start}, upgraded to a raw stream as {@code docker exec -i} does. */
    private static void startHijacked(SocketChannel channel, String execId) throws IOException {
        byte[] body = "{\"Detach\":false,\"Tty\":false}".getBytes(StandardCharsets.US_ASCII);
        String request = "POST /exec/" + execId + "/start HTTP/1.1\r\n"
                + "Host: docker\r\n"
                + "Content-Type: application/json\r\n"
                + "Connection: Upgrade\r\n"
                + "Upgrade: tcp\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        writeFully(channel, ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
        writeFully(channel, ByteBuffer.wrap(body));
        // Read the response head byte by byte: what follows it is already the command's output.
        StringBuilder head = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (!head.toString().endsWith("\r\n\r\n")) {
            one.clear();
            if (channel.read(one) < 0) {
                throw new IOException("the engine closed the connection during exec start: " + head);
            }
            head.append((char) one.get(0));
            if (head.length() > 16 * 1024) {
                throw new IOException("no end of the engine's response head to exec start");
            }
        }
        String status = head.substring(0, head.indexOf("\r\n"));
        // 101 where the engine honours the upgrade; older engines answer 200 and stream all the same.
        if (!status.matches("HTTP/1\\.[01] (101|200) .*")) {
            throw new IllegalStateException("the engine refused exec start: " + status);
        }
    }

    /** Fills the buffer; {@code false} on a clean end of stream before its first byte. */
    private static boolean readFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                if (buffer.position() == 0) {
                    return false;
                }
                throw new IOException("the engine's stream ended inside a frame header");
            }
        }
        buffer.flip();
        return true;
    }

    private static void writeFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    /** The command's stdin: writes go straight to the channel; close is the half-close the engine passes on. */
    private final class ChannelStdin extends OutputStream {
        private boolean closed;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        /**
         * Fails once the command's output has ended, as a write to an exited child's pipe does: the
         * engine half-closes its side when the command exits but goes on reading (and discarding)
         * stdin, so writes would otherwise succeed, slowly, until the whole input went nowhere.
         */
        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("stdin of " + name + " is closed");
            }
            if (outputEnded.getCount() == 0) {
                throw new IOException(name + " has exited: its stdin is closed");
            }
            writeFully(channel, ByteBuffer.wrap(b, off, len));
        }

        @Override
        public synchronized void close() throws IOException {
            if (!closed) {
                closed = true;
                if (channel.isOpen()) {
                    channel.shutdownOutput();
                }
            }
        }
    }
}
