package io.lifeboat.credentials;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import software.amazon.awssdk.http.TlsTrustManagersProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The JDK's default trust manager for the AWS SDK's clients, made at the client's first TLS
 * handshake instead of when the client is built.
 *
 * <p>The SDK's URL-connection client builds its SSL context as it is built, and the JDK's default
 * trust manager parses every certificate of the JDK's cacerts as it is made: 0.18-0.21 s and about
 * 0.3 CPU s in a fresh JVM (bench/README.md), paid by every backup and drill at its start, also
 * against {@code http://} endpoints that never shake hands. Servers are checked exactly as the
 * default context checks them: every call goes to the trust manager the default factory makes
 * (the same one the SDK's context gets without a provider), host names included.
 */
public final class LazyTrustManagers implements TlsTrustManagersProvider {

    private final Supplier<X509ExtendedTrustManager> load;

    /** The JDK's default trust (its cacerts, or {@code javax.net.ssl.trustStore} when set). */
    public LazyTrustManagers() {
        this(LazyTrustManagers::jdkDefault);
    }

    /** {@code load} makes the trust manager, once, at the first handshake. */
    LazyTrustManagers(Supplier<X509ExtendedTrustManager> load) {
        this.load = load;
    }

    /** The SDK's URL-connection client as every S3 and STS client of lifeboat's gets it: lazy trust, these timeouts. */
    public static UrlConnectionHttpClient.Builder urlConnectionClient(Duration connectTimeout, Duration socketTimeout) {
        return UrlConnectionHttpClient.builder().tlsTrustManagersProvider(new LazyTrustManagers())
                .connectionTimeout(connectTimeout).socketTimeout(socketTimeout);
    }

    @Override
    public TrustManager[] trustManagers() {
        return new TrustManager[] {new Lazy(load)};
    }

    static X509ExtendedTrustManager jdkDefault() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            for (TrustManager tm : factory.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("the JDK's default trust manager factory made no X.509 trust manager");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the JDK's trusted certificates: " + e.getMessage(), e);
        }
    }

    private static final class Lazy extends X509ExtendedTrustManager {
        private final Supplier<X509ExtendedTrustManager> load;
        private volatile X509ExtendedTrustManager delegate;

        Lazy(Supplier<X509ExtendedTrustManager> load) {
            this.load = load;
        }

        private X509ExtendedTrustManager delegate() throws CertificateException {
            X509ExtendedTrustManager d = delegate;
            if (d == null) {
                synchronized (this) {
                    if (delegate == null) {
                        try {
                            delegate = load.get();
                        } catch (IllegalStateException e) {
                            // a handshake fails with it, and the SDK reports it as that request's error
                            throw new CertificateException(e.getMessage(), e);
                        }
                    }
                    d = delegate;
                }
            }
            return d;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            delegate().checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            delegate().checkServerTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate().checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            delegate().checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            delegate().checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate().checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            try {
                return delegate().getAcceptedIssuers();
            } catch (CertificateException e) {
                return new X509Certificate[0];
            }
        }
    }
}
