package io.lifeboat.credentials;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The SDK's client with lazy trust, against real HTTP and HTTPS servers on 127.0.0.1: plain HTTP
 * never loads a trust store; HTTPS loads it at the first handshake and checks the server as the
 * JDK's default would (an unknown issuer and a wrong host name are refused).
 */
class LazyTrustManagersTest {

    @TempDir
    Path dir;

    private HttpServer server;
    private SdkHttpClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void plainHttpNeverLoadsTheTrustStore() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        client = client(counting(loads, LazyTrustManagers::jdkDefault));
        assertEquals(0, loads.get(), "building the client loads nothing");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        serve(server);
        assertEquals(200, get(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/")));
        assertEquals(0, loads.get(), "a request over plain HTTP loads nothing");
    }

    @Test
    void httpsChecksTheServerAgainstTheJdksTrustedCertificates() throws Exception {
        Path keys = keyPair("ip:127.0.0.1");
        AtomicInteger loads = new AtomicInteger();
        client = client(counting(loads, LazyTrustManagers::jdkDefault));
        server = https(keys);
        URI uri = URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/");
        IOException refused = assertThrows(IOException.class, () -> get(uri), "a self-signed certificate is not trusted");
        assertTrue(String.valueOf(refused.getMessage()).contains("PKIX path building failed")
                || String.valueOf(refused.getCause()).contains("PKIX path building failed"), String.valueOf(refused));
        assertEquals(1, loads.get(), "loaded at the first handshake");
    }

    @Test
    void httpsWithTheServersCertificateTrustedConnectsOnlyUnderTheCertificatesName() throws Exception {
        Path keys = keyPair("ip:127.0.0.1");
        AtomicInteger loads = new AtomicInteger();
        client = client(counting(loads, () -> trusting(keys)));
        server = https(keys);
        URI uri = URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/");
        assertEquals(200, get(uri));
        assertEquals(200, get(uri));
        assertEquals(1, loads.get(), "loaded once for every handshake of the client");
        client.close();
        server.stop(0);

        // the same trusted issuer, but a certificate for another name: the host name check stays
        Path otherName = keyPair("dns:backups.example.invalid");
        client = client(counting(new AtomicInteger(), () -> trusting(otherName)));
        server = https(otherName);
        URI wrongHost = URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/");
        IOException refused = assertThrows(IOException.class, () -> get(wrongHost));
        assertTrue(String.valueOf(refused).contains("127.0.0.1") || String.valueOf(refused.getCause()).contains("127.0.0.1"),
                String.valueOf(refused));
    }

    @Test
    void aTrustStoreThatCannotBeLoadedFailsTheHandshakeWithTheReason() throws Exception {
        Path keys = keyPair("ip:127.0.0.1");
        client = client(() -> {
            throw new IllegalStateException("cannot load the JDK's trusted certificates: /nowhere/cacerts (No such file)");
        });
        server = https(keys);
        IOException failed = assertThrows(IOException.class,
                () -> get(URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/")));
        StringBuilder causes = new StringBuilder();
        for (Throwable t = failed; t != null; t = t.getCause()) {
            causes.append(t).append('\n');
        }
        assertTrue(causes.toString().contains("/nowhere/cacerts"), causes.toString());
    }

    private static Supplier<X509ExtendedTrustManager> counting(AtomicInteger loads, Supplier<X509ExtendedTrustManager> load) {
        return () -> {
            loads.incrementAndGet();
            return load.get();
        };
    }

    private static SdkHttpClient client(Supplier<X509ExtendedTrustManager> load) {
        return UrlConnectionHttpClient.builder().tlsTrustManagersProvider(new LazyTrustManagers(load)).build();
    }

    private int get(URI uri) throws IOException {
        SdkHttpRequest request = SdkHttpRequest.builder().uri(uri).method(SdkHttpMethod.GET).build();
        HttpExecuteResponse response = client.prepareRequest(HttpExecuteRequest.builder().request(request).build()).call();
        try (InputStream body = response.responseBody().orElseThrow()) {
            body.readAllBytes();
        }
        return response.httpResponse().statusCode();
    }

    private static void serve(HttpServer server) {
        server.createContext("/", exchange -> {
            byte[] ok = "ok".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
            exchange.close();
        });
        server.start();
    }

    private static HttpsServer https(Path keys) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(keys), PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(context));
        serve(https);
        return https;
    }

    /** A trust manager that trusts the certificate in {@code keys} (and nothing else). */
    private static X509ExtendedTrustManager trusting(Path keys) {
        try {
            Certificate cert = load(keys).getCertificate("server");
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("server", cert);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    return x;
                }
            }
            throw new AssertionError("no X.509 trust manager");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final char[] PASSWORD = "test-only".toCharArray();

    private static KeyStore load(Path keys) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keys)) {
            ks.load(in, PASSWORD);
        }
        return ks;
    }

    /** A fresh self-signed key pair for {@code san}, made with the JDK's keytool. */
    private Path keyPair(String san) throws Exception {
        Path ks = Files.createTempFile(dir, "server", ".p12");
        Files.delete(ks);
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        ProcessBuilder p = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=lifeboat test server", "-ext", "SAN=" + san, "-validity", "2",
                "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass:env", "KS_PASS"))
                .redirectErrorStream(true);
        p.environment().put("KS_PASS", new String(PASSWORD));
        Process started = p.start();
        String out = new String(started.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, started.waitFor(), out);
        return ks;
    }
}
