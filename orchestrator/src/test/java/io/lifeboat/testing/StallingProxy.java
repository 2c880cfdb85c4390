package io.lifeboat.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy on 127.0.0.1 in front of a real server that goes silent: on each connection it
 * forwards the server's first {@code stallAfter} bytes, then nothing more, and keeps both
 * connections open, as a network path or a server that hangs does. Requests pass unchanged.
 * Small responses (listings, heads) pass; a large object's download stops part way.
 */
public final class StallingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int upstreamPort;
    private final long stallAfter;
    private final List<Socket> sockets = new ArrayList<>();
    private final AtomicBoolean stalled = new AtomicBoolean();
    private volatile boolean closed;

    private StallingProxy(URI upstream, long stallAfter) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.upstreamPort = upstream.getPort();
        this.stallAfter = stallAfter;
        daemon(this::accept, "stalling-proxy-accept").start();
    }

    public static StallingProxy start(URI upstream, long stallAfterBytes) throws IOException {
        return new StallingProxy(upstream, stallAfterBytes);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** True once a connection went silent. */
    public boolean stalled() {
        return stalled.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                synchronized (sockets) {
                    sockets.add(client);
                    sockets.add(upstream);
                }
                daemon(() -> copy(client, upstream, Long.MAX_VALUE), "stalling-proxy-up").start();
                daemon(() -> copy(upstream, client, stallAfter), "stalling-proxy-down").start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void copy(Socket from, Socket to, long limit) {
        byte[] buf = new byte[64 * 1024];
        long sent = 0;
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                int pass = (int) Math.min(n, limit - sent);
                out.write(buf, 0, pass);
                out.flush();
                sent += pass;
                if (sent >= limit) {
                    stalled.set(true);
                    while (!closed) {
                        Thread.sleep(50); // silent, with both connections open
                    }
                    return;
                }
            }
            to.shutdownOutput();
        } catch (IOException | InterruptedException e) {
            // a side closed: the other follows when the proxy closes
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }
}
