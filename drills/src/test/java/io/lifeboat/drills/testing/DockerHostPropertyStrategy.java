package io.lifeboat.drills.testing;

import org.testcontainers.dockerclient.DockerClientProviderStrategy;
import org.testcontainers.dockerclient.TransportConfig;

import java.net.URI;

/**
 * Lets Testcontainers use the engine named by the system property
 * {@value DockerEngine#HOST_PROPERTY} (an IDE run, say), since Testcontainers itself reads
 * {@code DOCKER_HOST} from the environment only. Registered through
 * {@code META-INF/services/org.testcontainers.dockerclient.DockerClientProviderStrategy};
 * Testcontainers tries {@code DOCKER_HOST} from the environment before any registered strategy,
 * so this one is used only when that is unset.
 */
public final class DockerHostPropertyStrategy extends DockerClientProviderStrategy {

    /** Above Testcontainers' own discovery of /var/run/docker.sock and the like. */
    private static final int PRIORITY = 200;

    private final String host = System.getProperty(DockerEngine.HOST_PROPERTY);

    @Override
    public String getDescription() {
        return "system property " + DockerEngine.HOST_PROPERTY + "=" + host;
    }

    @Override
    protected boolean isApplicable() {
        return host != null && !host.isBlank();
    }

    @Override
    protected int getPriority() {
        return PRIORITY;
    }

    /** Never written to ~/.testcontainers.properties: the property says where the engine is, each run. */
    @Override
    protected boolean isPersistable() {
        return false;
    }

    @Override
    public TransportConfig getTransportConfig() {
        return TransportConfig.builder().dockerHost(URI.create(host.trim())).build();
    }
}
