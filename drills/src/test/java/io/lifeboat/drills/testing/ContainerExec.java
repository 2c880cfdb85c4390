package io.lifeboat.drills.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectExecResponse;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.dockerclient.TransportConfig;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a command in a running container with an {@link InputStream} as its standard input,
 * streamed through the engine's exec API: the way a restore reaches a database in a container
 * that has no network.
 *
 * <p>Why not docker-java's {@code execStartCmd(id).withStdIn(stream)}: it sends the bytes but
 * never half-closes the connection afterwards (docker-java issues 1315, 1552, 1684; its
 * httpclient5/zerodep transport has no {@code shutdownOutput}), so the engine never closes the
 * command's stdin and {@code psql} or {@code pg_restore} waits for more input forever. The
 * Docker CLI closes the write side ({@code CloseWrite}) at end of input; so does this class: it
 * creates the exec and reads its exit code through docker-java, and does the exec start itself,
 * on its own connection to the engine (HTTP upgrade to a raw stream, as the CLI does).
 *
 * <p>Contract: the stream is sent until its end, then the command's stdin is closed (it sees end
 * of input); the call returns when the command has exited and its output has been read. If the
 * command exits before reading all its input, sending stops; {@link Outcome#stdinBytes()} says
 * how much was sent. Output is kept up to {@value #OUTPUT_LIMIT} bytes per stream, enough for
 * error messages, never a dump. A non-zero exit code is returned, not thrown: the caller decides
 * what failure means. Engines on {@code unix://} and plain {@code tcp://} only (no TLS).
 */
public final class ContainerExec {

    /** Bytes of stdout and of stderr kept each. */
    public static final int OUTPUT_LIMIT = 64 * 1024;

    private static final int STDIN_CHUNK = 64 * 1024;

    /**
     * What a command left behind.
     *
     * @param exitCode   the command's exit code, from the engine
     * @param stdout     its standard output, up to {@link #OUTPUT_LIMIT} bytes
     * @param stderr     its standard error, up to {@link #OUTPUT_LIMIT} bytes
     * @param stdinBytes bytes of the input stream sent to the command before its stdin was closed
     * @param stdinError why sending the input stopped early, or {@code null} if all of it was sent
     */
    public record Outcome(long exitCode, String stdout, String stderr, long stdinBytes, String stdinError) {
    }

    private ContainerExec() {
    }

    /**
     * Runs {@code command} (no shell) in {@code container} with {@code stdin} as its standard input.
     *
     * @throws IllegalStateException if the command has not exited within {@code timeout}, or the
     *                               engine refused the exec
     */
    public static Outcome run(Container<?> container, InputStream stdin, Duration timeout, String... command)
            throws InterruptedException, IOException {
        DockerClient docker = container.getDockerClient();
        String execId = docker.execCreateCmd(container.getContainerId())
                .withCmd(command)
                .withAttachStdin(true)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .exec()
                .getId();
        long deadline = System.nanoTime() + timeout.toNanos();

        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        AtomicLong sent = new AtomicLong();
        AtomicReference<String> sendError = new AtomicReference<>();
        try (SocketChannel channel = connect()) {
            startHijacked(channel, execId);
            // One thread writes while this one reads: a command that writes much output before it
            // reads all its input would otherwise block on a full pipe, and so would we.
            Thread writer = new Thread(() -> {
                try {
                    byte[] buffer = new byte[STDIN_CHUNK];
                    int n;
                    while ((n = stdin.read(buffer)) != -1) {
                        writeFully(channel, ByteBuffer.wrap(buffer, 0, n));
                        sent.addAndGet(n);
                    }
                    // The end of input: the engine closes the command's stdin.
                    channel.shutdownOutput();
                } catch (IOException e) {
                    // Typically the command exited without reading everything; its exit code says more.
                    sendError.set(e.toString());
                }
            }, "container-exec-stdin-" + execId.substring(0, 12));
            writer.setDaemon(true);
            writer.start();
            Thread watchdog = closeAt(channel, deadline, execId);
            try {
                readFrames(channel, stdout, stderr);
            } catch (IOException e) {
                if (System.nanoTime() >= deadline) {
                    throw new IllegalStateException("command " + List.of(command) + " did not finish within " + timeout, e);
                }
                throw e;
            } finally {
                watchdog.interrupt();
            }
            writer.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
        // The output can end a moment before the engine records the exit code.
        while (true) {
            InspectExecResponse exec = docker.inspectExecCmd(execId).exec();
            if (!Boolean.TRUE.equals(exec.isRunning()) && exec.getExitCodeLong() != null) {
                return new Outcome(exec.getExitCodeLong(), stdout.toString(StandardCharsets.UTF_8),
                        stderr.toString(StandardCharsets.UTF_8), sent.get(), sendError.get());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("command " + List.of(command) + " still running after " + timeout);
            }
            Thread.sleep(20);
        }
    }

    /** A new connection to the engine Testcontainers uses. */
    private static SocketChannel connect() throws IOException {
        TransportConfig transport = DockerClientFactory.instance().getTransportConfig();
        URI host = transport.getDockerHost();
        SocketAddress address;
        if ("unix".equals(host.getScheme())) {
            address = UnixDomainSocketAddress.of(host.getPath());
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(address);
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

    /**
     * The engine's multiplexed stream: frames of an 8-byte header (stream 1 = stdout, 2 = stderr;
     * bytes 4 to 7 = payload length, big-endian) and the payload, until the engine closes it.
     */
    private static void readFrames(SocketChannel channel, ByteArrayOutputStream stdout, ByteArrayOutputStream stderr)
            throws IOException {
        ByteBuffer header = ByteBuffer.allocate(8);
        ByteBuffer payload = ByteBuffer.allocate(STDIN_CHUNK);
        while (readFully(channel, header.clear())) {
            int stream = header.get(0);
            long length = Integer.toUnsignedLong(header.getInt(4));
            ByteArrayOutputStream target = stream == 2 ? stderr : stdout;
            while (length > 0) {
                payload.clear().limit((int) Math.min(payload.capacity(), length));
                if (!readFully(channel, payload)) {
                    throw new IOException("the engine's stream ended inside a frame");
                }
                int room = OUTPUT_LIMIT - target.size();
                if (room > 0) {
                    target.write(payload.array(), 0, Math.min(room, payload.limit()));
                }
                length -= payload.limit();
            }
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

    /** Closes the connection at the deadline, which ends a blocked read with an exception. */
    private static Thread closeAt(SocketChannel channel, long deadline, String execId) {
        Thread watchdog = new Thread(() -> {
            try {
                long wait = deadline - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                channel.close();
            } catch (InterruptedException e) {
                // The command finished in time.
            } catch (IOException ignored) {
                // Closing only to unblock the reader; it reports the timeout.
            }
        }, "container-exec-deadline-" + execId.substring(0, 12));
        watchdog.setDaemon(true);
        watchdog.start();
        return watchdog;
    }
}
