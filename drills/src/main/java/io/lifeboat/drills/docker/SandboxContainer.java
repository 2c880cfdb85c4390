package io.lifeboat.drills.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import io.lifeboat.drills.process.ProcessOwner;
import io.lifeboat.drills.process.ToolLauncher;
import io.lifeboat.drills.sandbox.SandboxUnavailableException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One sandbox's container: started through Testcontainers with network mode {@code none} (no
 * interface but its own loopback, so a restored database can reach nothing), labelled with the
 * drill, the run, and the owning JVM (host, PID, start time), and removed with its volumes by
 * {@link #close()}. Engine-neutral: the engine's sandbox says which image, environment, command
 * and readiness probe; it then runs its client tools in here through {@link #tools()}.
 *
 * <p>The labels are this sandbox's crash marker: a JVM killed with the container running (no
 * {@code finally}, no shutdown hook) leaves it labelled with a PID that is dead, and
 * {@link #reapOrphans} removes it the next time a provider creates a sandbox. Testcontainers'
 * own reaper (Ryuk) is not relied on: it needs an image from a registry and a network, and
 * lifeboat runs with it disabled.
 */
public final class SandboxContainer implements AutoCloseable {

    /** Label on every lifeboat sandbox container: the drill's name. */
    public static final String DRILL_LABEL = "io.lifeboat.drill";
    /** The drill run's id. */
    public static final String RUN_LABEL = "io.lifeboat.run";
    /** The PID of the JVM that started it. */
    public static final String PID_LABEL = "io.lifeboat.pid";
    /** The host that JVM runs on: PIDs mean something only there. */
    public static final String HOST_LABEL = "io.lifeboat.host";
    /** When it was started (ISO-8601): a live PID whose process started later is not its owner. */
    public static final String STARTED_LABEL = "io.lifeboat.started";

    private static final Duration REMOVE_TIMEOUT = Duration.ofSeconds(30);

    /**
     * What to start.
     *
     * @param image          the image, pulled if the engine does not have it
     * @param drill          the drill's name (label)
     * @param runId          the run's id (label)
     * @param env            the container's environment; no secrets (the engine shows it to anyone who may inspect)
     * @param command        the container's command, or empty for the image's
     * @param readyCommand   a shell command run in the container until it succeeds: the database answers
     * @param startupTimeout how long to wait for {@code readyCommand}
     */
    public record Spec(DockerImageName image, String drill, String runId, Map<String, String> env, List<String> command,
                       String readyCommand, Duration startupTimeout) {
        public Spec {
            Objects.requireNonNull(image, "image");
            Objects.requireNonNull(drill, "drill");
            Objects.requireNonNull(runId, "runId");
            env = Map.copyOf(env);
            command = List.copyOf(command);
            Objects.requireNonNull(readyCommand, "readyCommand");
            Objects.requireNonNull(startupTimeout, "startupTimeout");
        }
    }

    /**
     * A container {@link #reapOrphans} found.
     *
     * @param containerId its id
     * @param drill       the drill it was made for
     * @param ownerPid    the dead JVM's PID
     * @param started     when it was started, as labelled
     * @param problem     why it could not be removed, or empty when it was
     */
    public record ReapedContainer(String containerId, String drill, long ownerPid, String started, Optional<String> problem) {
        public boolean removed() {
            return problem.isEmpty();
        }

        /** A warning for the new sandbox's results. */
        public String describe() {
            return problem.isEmpty()
                    ? "removed the sandbox container " + ContainerExec.shortId(containerId) + " of drill " + drill
                      + " that process " + ownerPid + " left behind when it died (started " + started + ")"
                    : "could not remove the sandbox container " + ContainerExec.shortId(containerId) + " of drill " + drill
                      + " that process " + ownerPid + " left behind: " + problem.get() + " (the next drill tries again)";
        }
    }

    private final GenericContainer<?> container;
    private final DockerImageName image;
    private final String id;
    private boolean closed;

    private SandboxContainer(GenericContainer<?> container, DockerImageName image) {
        this.container = container;
        this.image = image;
        this.id = container.getContainerId();
    }

    /**
     * The image a drill's docker sandbox runs: the drill's pinned {@code image:}, else the one the
     * system property {@code property} names (test machines without a registry), else empty: the
     * engine's default for the source's version.
     */
    public static Optional<DockerImageName> chosenImage(Optional<String> pinned, String property) {
        return pinned.or(() -> Optional.ofNullable(System.getProperty(property)).filter(s -> !s.isBlank()))
                .map(s -> DockerImageName.parse(s.strip()));
    }

    /**
     * Starts the container of one drill's sandbox, as every engine's docker provider does: first
     * removes the containers that killed drill JVMs on this host left running
     * ({@link #reapOrphans}, each reported in {@code warnings}), then {@link #start}.
     *
     * @throws SandboxUnavailableException no engine, no image, or the container did not become
     *                                     ready (it is removed)
     */
    public static SandboxContainer startForDrill(Spec spec, List<String> warnings) throws SandboxUnavailableException {
        try {
            reapOrphans().forEach(r -> warnings.add(r.describe()));
            return start(spec);
        } catch (RuntimeException e) {
            throw new SandboxUnavailableException("could not start a docker sandbox of image "
                    + spec.image().asCanonicalNameString() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts a container and waits until {@code spec.readyCommand()} succeeds in it.
     *
     * @throws IllegalStateException no engine, no image, or it did not become ready (the container is removed)
     */
    public static SandboxContainer start(Spec spec) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(DRILL_LABEL, spec.drill());
        labels.put(RUN_LABEL, spec.runId());
        labels.put(PID_LABEL, Long.toString(ProcessHandle.current().pid()));
        labels.put(HOST_LABEL, thisHost());
        labels.put(STARTED_LABEL, Instant.now().toString());
        GenericContainer<?> container = new GenericContainer<>(spec.image())
                .withNetworkMode("none")
                .withLabels(labels)
                .withEnv(spec.env())
                // no port to wait on without a network: ask the database itself, through exec
                .waitingFor(Wait.forSuccessfulCommand(spec.readyCommand()).withStartupTimeout(spec.startupTimeout()));
        if (!spec.command().isEmpty()) {
            container.withCommand(spec.command().toArray(String[]::new));
        }
        try {
            container.start();
        } catch (RuntimeException e) {
            String logs = "";
            try {
                logs = tail(container.getLogs());
            } catch (RuntimeException ignored) {
                // never created: no logs
            }
            try {
                container.stop();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw new IllegalStateException("the container of image " + spec.image().asCanonicalNameString()
                    + " did not start: " + rootMessage(e) + (logs.isBlank() ? "" : "; its log ends: " + logs), e);
        }
        return new SandboxContainer(container, spec.image());
    }

    /** The container's id. */
    public String id() {
        return id;
    }

    /** The first 12 characters of the id, as {@code docker ps} shows it. */
    public String shortId() {
        return ContainerExec.shortId(id);
    }

    public DockerImageName image() {
        return image;
    }

    /** Runs client tools in this container by name (found on its PATH), each through its own exec. */
    public ToolLauncher tools() {
        DockerClient docker = container.getDockerClient();
        return (tool, args, env) -> {
            List<String> command = new ArrayList<>(args.size() + 1);
            command.add(tool);
            command.addAll(args);
            return ContainerExec.start(docker, id, command, env);
        };
    }

    /** "image X, container abc123def456, network none", for a sandbox's describe(). */
    public String describe() {
        return "image " + image.asCanonicalNameString() + ", container " + shortId() + ", network none";
    }

    /**
     * Stops and removes the container with its anonymous volumes, and makes sure it is gone.
     * Idempotent.
     *
     * @throws IllegalStateException when it is still there (with the command to remove it by hand);
     *                               its labels let the next provider run reap it
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            container.stop(); // Testcontainers kills, then removes with volumes
        } catch (RuntimeException e) {
            // checked below: what matters is whether it is gone
        }
        DockerClient docker = DockerClientFactory.instance().client();
        try {
            docker.inspectContainerCmd(id).exec();
            docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException gone) {
            closed = true;
            return;
        } catch (RuntimeException e) {
            throw new IllegalStateException("could not remove the sandbox container " + shortId() + ": " + e.getMessage()
                    + "; remove it by hand: docker rm -f -v " + shortId(), e);
        }
        closed = true;
    }

    /**
     * Removes the sandbox containers that JVMs on this host left behind when they died: labelled
     * by lifeboat with this host and a PID that no longer runs (or now belongs to a process
     * started after the container). Containers of live owners and of other hosts are left alone.
     */
    public static List<ReapedContainer> reapOrphans() {
        DockerClient docker = DockerClientFactory.instance().client();
        String host = thisHost();
        List<ReapedContainer> reaped = new ArrayList<>();
        for (Container c : docker.listContainersCmd().withShowAll(true).withLabelFilter(List.of(PID_LABEL)).exec()) {
            Map<String, String> labels = c.getLabels() == null ? Map.of() : c.getLabels();
            if (!host.equals(labels.get(HOST_LABEL))) {
                continue;
            }
            long pid;
            try {
                pid = Long.parseLong(labels.getOrDefault(PID_LABEL, ""));
            } catch (NumberFormatException e) {
                continue; // not ours to judge
            }
            String started = labels.getOrDefault(STARTED_LABEL, "");
            if (ownerAlive(pid, started)) {
                continue;
            }
            String drill = labels.getOrDefault(DRILL_LABEL, "?");
            try {
                docker.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
                reaped.add(new ReapedContainer(c.getId(), drill, pid, started, Optional.empty()));
            } catch (NotFoundException alreadyGone) {
                // another provider reaped it meanwhile
            } catch (RuntimeException e) {
                reaped.add(new ReapedContainer(c.getId(), drill, pid, started, Optional.of(e.getMessage())));
            }
        }
        return reaped;
    }

    /** The process {@code pid} runs and started no later than the container: it may be the owner. */
    static boolean ownerAlive(long pid, String started) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return false;
        }
        Optional<Instant> processStart = process.get().info().startInstant();
        try {
            Instant containerStart = Instant.parse(started);
            // a PID reused by a process started after the container cannot be the JVM that started it
            return processStart.isEmpty() || !processStart.get().isAfter(containerStart);
        } catch (DateTimeParseException e) {
            return true; // cannot tell: leave it
        }
    }

    /** This host's name, as the kernel has it (no DNS look-up). */
    static String thisHost() {
        return ProcessOwner.thisHost();
    }

    private static String tail(String logs) {
        String s = logs.strip();
        return s.length() > 2000 ? "…" + s.substring(s.length() - 2000) : s;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
    }
}
