package io.lifeboat.testing;

import io.lifeboat.config.CredentialsConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * A running Ceph RGW started by {@code tools/rgw.sh} (see {@link RgwExtension}): its endpoint,
 * its users' credentials, and admin commands for roles. Users (profiles in
 * {@link #credentialsFile()}, mode 0600): {@value #OWNER} owns the buckets, {@value #LIFEBOAT} is
 * the production host's principal, {@value #DRILL} the drill host's, {@value #AGENT} an
 * application's or AI agent's. Each test creates its own buckets and roles with unique names, so
 * tests never depend on one another or on an earlier run.
 */
public final class RgwServer implements AutoCloseable {

    public static final String OWNER = "owner";
    public static final String LIFEBOAT = "lifeboat";
    public static final String DRILL = "drill";
    public static final String AGENT = "agent";

    private final Path script;
    private final Path dir;
    private final URI endpoint;
    private final Path cephConf;
    private final double startSeconds;
    /** Stops the daemons if the JVM ends without JUnit closing the run (Ctrl-C, a killed fork). */
    private final Thread stopAtExit;

    /** rgw.sh could not bring the gateway up; the message says why and where the logs are. */
    static final class StartFailed extends Exception {
        StartFailed(String message) {
            super(message);
        }
    }

    private RgwServer(Path script, Path dir, URI endpoint, Path cephConf, double startSeconds) {
        this.script = script;
        this.dir = dir;
        this.endpoint = endpoint;
        this.cephConf = cephConf;
        this.startSeconds = startSeconds;
        this.stopAtExit = new Thread(this::stop, "rgw-stop");
        Runtime.getRuntime().addShutdownHook(stopAtExit);
    }

    static RgwServer start(Path script, Path dir) throws IOException, StartFailed {
        long t0 = System.nanoTime();
        Result r = run(List.of("bash", script.toString(), "start", dir.toString()), Map.of(), 180);
        if (r.exit != 0) {
            // rgw.sh removes nothing on failure, so the logs stay for a look.
            throw new StartFailed("tools/rgw.sh start failed (exit " + r.exit + "): " + r.output.strip());
        }
        Map<String, String> env = new HashMap<>();
        for (String line : Files.readAllLines(dir.resolve("env"))) {
            int eq = line.indexOf('=');
            if (eq > 0) env.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return new RgwServer(script, dir, URI.create(env.get("RGW_ENDPOINT")), Path.of(env.get("CEPH_CONF")),
                (System.nanoTime() - t0) / 1e9);
    }

    /** The directory holding {@code tools/} (tests run in the orchestrator module's directory). */
    static Path projectRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("tools/rgw.sh"))) return p;
        }
        throw new IllegalStateException("tools/rgw.sh not found above " + Path.of("").toAbsolutePath());
    }

    public URI endpoint() {
        return endpoint;
    }

    public double startSeconds() {
        return startSeconds;
    }

    /** The shared credentials file (0600) with one profile per user. */
    public Path credentialsFile() {
        return dir.resolve("credentials");
    }

    /** A user's credential as lifeboat's configuration names it. */
    public CredentialsConfig credentials(String user) {
        return new CredentialsConfig(Optional.of(user), Optional.of(credentialsFile()));
    }

    public AwsCredentialsProvider provider(String user) {
        return ProfileCredentialsProvider.builder()
                .profileFile(ProfileFile.builder().content(credentialsFile()).type(ProfileFile.Type.CREDENTIALS).build())
                .profileName(user).build();
    }

    /** A user's secret key, for tests that prove it never shows in output. */
    public String secretKey(String user) {
        return provider(user).resolveCredentials().secretAccessKey();
    }

    /** An S3 client as RGW 16 needs it: path-style, checksums only where required. */
    public S3Client s3(AwsCredentialsProvider credentials) {
        return S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .forcePathStyle(true)
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    public S3Client s3(String user) {
        return s3(provider(user));
    }

    public StsClient sts(String user) {
        return StsClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(provider(user))
                .build();
    }

    /** The ARN RGW gives a user of the default tenant. */
    public static String userArn(String user) {
        return "arn:aws:iam:::user/" + user;
    }

    /**
     * Creates a role with a trust policy and one permission policy (both compact JSON: RGW
     * rejects whitespace in policies sent through its IAM API, and radosgw-admin is kept to the
     * same form) and returns its ARN.
     */
    public String createRole(String name, String trustPolicy, String permissionPolicy) {
        admin("role", "create", "--role-name=" + name, "--path=/", "--assume-role-policy-doc=" + trustPolicy);
        admin("role-policy", "put", "--role-name=" + name, "--policy-name=" + name, "--policy-doc=" + permissionPolicy);
        return "arn:aws:iam:::role/" + name;
    }

    /** Runs radosgw-admin against this cluster; fails the test on a non-zero exit. */
    public String admin(String... args) {
        List<String> command = new ArrayList<>();
        command.add("radosgw-admin");
        command.addAll(List.of(args));
        try {
            Result r = run(command, Map.of("CEPH_CONF", cephConf.toString()), 60);
            if (r.exit != 0) {
                throw new IllegalStateException("radosgw-admin " + args[0] + " " + (args.length > 1 ? args[1] : "")
                        + " failed (exit " + r.exit + "): " + r.output.strip());
            }
            return r.output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or about to: it stops the daemons
        }
        stop();
    }

    private void stop() {
        try {
            run(List.of("bash", script.toString(), "stop", dir.toString()), Map.of(), 60);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command, Map<String, String> env, int timeoutSeconds) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Path out = Files.createTempFile("lifeboat-rgw-", ".out");
        pb.redirectOutput(out.toFile());
        try {
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out after " + timeoutSeconds + " s: " + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
