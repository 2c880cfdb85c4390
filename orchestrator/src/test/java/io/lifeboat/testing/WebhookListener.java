package io.lifeboat.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real webhook receiver on 127.0.0.1, fresh for each test
 * ({@code @RegisterExtension final WebhookListener webhook = new WebhookListener();}): records
 * every POST body to {@code /hook} and answers 204.
 */
public final class WebhookListener implements BeforeEachCallback, AfterEachCallback {

    private HttpServer server;
    /** The bodies received in this test, oldest first. */
    public final List<String> posts = new CopyOnWriteArrayList<>();

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        posts.clear();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            posts.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        server.stop(0);
    }
}
