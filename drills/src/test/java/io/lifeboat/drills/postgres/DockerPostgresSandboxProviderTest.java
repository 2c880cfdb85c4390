package io.lifeboat.drills.postgres;

import io.lifeboat.drills.docker.SandboxContainer;
import io.lifeboat.drills.sandbox.DockerSandboxContract;
import io.lifeboat.drills.sandbox.Sandbox;
import io.lifeboat.drills.sandbox.SandboxProvider;
import io.lifeboat.drills.sandbox.SandboxRequest;
import io.lifeboat.drills.sandbox.SandboxUnavailableException;
import io.lifeboat.drills.testing.DockerEngine;
import org.junit.jupiter.api.Test;
import org.testcontainers.utility.DockerImageName;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sandbox contract and the docker contract ({@link DockerSandboxContract}: no network, gone
 * after close, reaped after a killed JVM) for PostgreSQL's {@code docker}, and what is
 * PostgreSQL's own: the image for the source's major, and a container that never gets ready.
 */
class DockerPostgresSandboxProviderTest extends DockerSandboxContract {

    @Override
    protected SandboxProvider provider() {
        return new DockerPostgresSandboxProvider(Optional.empty());
    }

    @Override
    protected String containerId(Sandbox sandbox) {
        return ((DockerPostgresSandbox) sandbox).containerId();
    }

    @Override
    protected String imageProperty() {
        return DockerPostgresSandboxProvider.IMAGE_PROPERTY;
    }

    @Override
    protected void assertSocketOnly(Sandbox sandbox) throws Exception {
        assertEquals(Optional.of(""), sandbox.query("SHOW listen_addresses", Duration.ofSeconds(30)).value(), "socket only");
    }

    @Test
    void aContainerThatNeverGetsReadyIsRemoved() {
        String run = "never-ready-" + ProcessHandle.current().pid();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SandboxContainer.start(
                new SandboxContainer.Spec(DockerEngine.postgresImage(), "contract", run, Map.of("POSTGRES_HOST_AUTH_METHOD", "trust"),
                        List.of(), "false", Duration.ofSeconds(3))));
        assertTrue(e.getMessage().contains("did not start"), e.getMessage());
        assertTrue(docker().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(SandboxContainer.RUN_LABEL, run)).exec().isEmpty(), "left behind after a failed start");
    }

    @Test
    void theDrillsImageWinsOverThePropertyWhichWinsOverTheSourcesMajor() throws Exception {
        String property = System.getProperty(DockerPostgresSandboxProvider.IMAGE_PROPERTY);
        assertEquals(DockerImageName.parse("registry.example.net/pg:16.4"),
                new DockerPostgresSandboxProvider(Optional.of("registry.example.net/pg:16.4")).imageFor("15.6"));
        assertEquals(DockerImageName.parse(property), new DockerPostgresSandboxProvider(Optional.empty()).imageFor("16.4"));
        try {
            System.clearProperty(DockerPostgresSandboxProvider.IMAGE_PROPERTY);
            DockerPostgresSandboxProvider defaults = new DockerPostgresSandboxProvider(Optional.empty());
            assertEquals(DockerImageName.parse("postgres:16"), defaults.imageFor("16.4 (Debian 16.4-1.pgdg120+1)"));
            assertEquals(DockerImageName.parse("postgres:9"), defaults.imageFor("9.6.24"));
            SandboxUnavailableException e = assertThrows(SandboxUnavailableException.class, () -> defaults.imageFor("unknown"));
            assertTrue(e.getMessage().contains("set image:"), e.getMessage());
        } finally {
            System.setProperty(DockerPostgresSandboxProvider.IMAGE_PROPERTY, property);
        }
        assertEquals(Optional.empty(), DockerPostgresSandboxProvider.versionWarning("15.6", "15.10 (Debian 15.10-0+deb12u1)"));
        assertTrue(DockerPostgresSandboxProvider.versionWarning("16.4", "15.10").orElseThrow().contains("older than the source"));
    }

    @Test
    void aBackupOfAnotherEngineIsNotForThisSandbox() {
        SandboxRequest maria = new SandboxRequest("contract", "m1", "mariadb", "10.11.6-MariaDB");
        assertThrows(SandboxUnavailableException.class, () -> provider().create(maria));
    }
}
