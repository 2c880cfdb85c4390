package io.lifeboat.audit;

import io.lifeboat.LifeboatException;
import io.lifeboat.audit.Finding.Status;
import io.lifeboat.config.CredentialsConfig;
import io.lifeboat.config.TargetConfig;
import io.lifeboat.credentials.CallerAccounts;
import io.lifeboat.storage.BucketSettings;
import io.lifeboat.storage.PermissionProbe;
import io.lifeboat.storage.ProbeOutcome;
import io.lifeboat.storage.ProbeOutcome.Result;
import io.lifeboat.storage.StorageTargets.Access;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.security.SecureRandom;

/**
 * Audits a target by trying, with each of its two credentials, what that credential must and must
 * not be able to do, on probe objects under {@link PermissionProbe#PROBE_PREFIX}:
 *
 * <ul>
 *   <li>writer: put (must work), then get, head, list, an overwrite with and without
 *       {@code If-None-Match}, a retention change and a delete (all must be refused);</li>
 *   <li>reader: list and get (must work), then put, a retention change and a delete (refused);</li>
 *   <li>each agent credential ({@code --agent-profile}): list, get, put and delete (all refused);</li>
 *   <li>the bucket, read with the reader: versioning on, Object Lock COMPLIANCE with a default
 *       retention of at least the minimum, lifecycle expiry not before retention ends.</li>
 * </ul>
 *
 * A credential that can do more than its role allows is a FAIL; so is one that cannot do its job
 * (backups or drills would fail). An overwrite the server accepts is a WARN, not a FAIL: it is the
 * server or bucket policy that should refuse it (AWS with the vault's bucket policy does; Ceph
 * RGW 16 ignores {@code If-None-Match}), and in a versioned bucket the original stays anyway.
 *
 * <p>A role is probed as a holder of the source credential could use it: without the session
 * policy lifeboat itself adds ({@code session_policy: prefix}), since nothing stops that holder
 * from assuming the role without one.
 *
 * <p>Probe order matters: the deletes come last, so that a credential allowed to delete does not
 * hide the probe object from the checks after it. Probe objects cannot be removed while Object
 * Lock holds them; they are a few hundred bytes, say what they are, and expire by lifecycle.
 */
public final class Auditor {

    /**
     * How far the retention probe extends retention: beyond any usual default retention, so that
     * Object Lock itself would allow the change and only the credential's permission decides.
     */
    static final Duration RETENTION_PROBE_MIN = Duration.ofDays(400);

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String NOTHING = "nothing beyond its role";
    /**
     * Most dangerous first: the worst thing a credential can do is the first it was allowed. The
     * overwrite probes are not here: a put over a key is the writer's own permission, and whether
     * it replaces anything is the server's and bucket policy's doing (reported as WARN).
     */
    private static final List<String> SEVERITY = List.of("delete", "retention", "put", "get", "head", "list");

    /** Opens probes on a target (the application's wiring). */
    public interface Probes {
        /** With one of the target's own credentials. */
        PermissionProbe open(TargetConfig target, Access access);

        /** With someone else's credential (an application's or AI agent's), used as it is. */
        PermissionProbe openAsAgent(TargetConfig target, CredentialsConfig agent);

        /** The account of a credential's source (what assumes the role). */
        CallerAccounts.Answer sourceAccount(TargetConfig target, CredentialsConfig credentials);
    }

    /**
     * @param minRetentionDays the bucket's default COMPLIANCE retention must be at least this
     * @param agents           credentials of the application and its agents (named by profile):
     *                         each must be refused everything on the bucket
     * @param identityFile     the age identity (drill side), which must be private like the credentials files
     */
    public record Options(int minRetentionDays, List<CredentialsConfig> agents, Optional<Path> identityFile) {
    }

    private final Probes probes;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public Auditor(Probes probes, Clock clock) {
        this.probes = probes;
        this.clock = clock;
    }

    public TargetAudit audit(TargetConfig target, Options options) {
        if (target.insideBlastRadius()) {
            return new TargetAudit(target.name(), target.url().toString(), List.of(new Finding("target", "location", "outside the blast radius",
                    null, Status.FAIL, target.url() + " is a local directory, inside the blast radius: whatever can destroy this host can destroy its backups;"
                    + " use an s3:// target in a separate account")), Map.of(), List.of());
        }
        List<Finding> findings = new ArrayList<>();
        List<String> probeObjects = new ArrayList<>();
        List<Path> privateFiles = new ArrayList<>();
        target.writeCredentials().credentialsFile().ifPresent(privateFiles::add);
        target.readCredentials().credentialsFile().ifPresent(privateFiles::add);
        options.identityFile().ifPresent(privateFiles::add);
        checkFiles(privateFiles.stream().distinct().toList(), System.getProperty("user.name"), findings);
        Instant now = clock.instant();
        String writerKey = PermissionProbe.PROBE_PREFIX + STAMP.format(now) + "-" + randomHex() + "-writer.txt";
        String readerKey = writerKey.replace("-writer.txt", "-reader.txt");
        Instant retainUntil = now.plus(target.objectLock().map(l -> Duration.ofDays(l.retainDays() + 30L))
                .filter(d -> d.compareTo(RETENTION_PROBE_MIN) > 0).orElse(RETENTION_PROBE_MIN));
        String location;

        try (PermissionProbe writer = probes.open(target, Access.WRITE);
             PermissionProbe reader = probes.open(target, Access.READ)) {
            location = target.url().toString();
            Checks w = new Checks("writer", findings);
            Checks r = new Checks("reader", findings);
            try {
                ProbeOutcome put = writer.put(writerKey, probeContent("writer", now), true);
                w.mustAllow("put", put, "the writer cannot store objects: every backup would fail");
                if (put.result() == Result.ALLOWED) probeObjects.add(writerKey);
                w.serverShouldRefuse("overwrite", writer.put(writerKey, probeContent("writer", now), true),
                        "the server accepted a put with If-None-Match over an existing key (Ceph RGW 16 ignores the header);"
                                + " only bucket versioning keeps the original");
                w.serverShouldRefuse("overwrite-unconditional", writer.put(writerKey, probeContent("writer", now), false),
                        "the bucket accepts puts without If-None-Match: add the vault bucket policy's NoWriteWithoutIfNoneMatch"
                                + " statement; only versioning keeps the original");
                w.mustRefuse("get", writer.get(writerKey), "the writer can read backups: a compromised backup host can take the dumps away");
                w.mustRefuse("head", writer.head(writerKey), "the writer can see object metadata");
                w.mustRefuse("list", writer.list(PermissionProbe.PROBE_PREFIX), "the writer can list the bucket");
                w.mustRefuse("retention", writer.extendRetention(writerKey, retainUntil),
                        "the writer can change Object Lock retention (it locked the probe object until " + retainUntil + ")");
            } catch (LifeboatException e) {
                w.unusable(e);
            }
            try {
                r.mustAllow("list", reader.list(PermissionProbe.PROBE_PREFIX), "the reader cannot list: drills cannot find backups");
                if (probeObjects.contains(writerKey)) {
                    r.mustAllow("get", reader.get(writerKey), "the reader cannot read what the writer stored: drills would fail");
                }
                ProbeOutcome put = reader.put(readerKey, probeContent("reader", now), true);
                if (put.result() == Result.ALLOWED) probeObjects.add(readerKey);
                r.mustRefuse("put", put, "the reader can write into the bucket");
                r.mustRefuse("retention", reader.extendRetention(writerKey, retainUntil), "the reader can change Object Lock retention");
                r.mustRefuse("delete", reader.deleteProbe(writerKey), "the reader can delete objects (in a versioned bucket a delete marker hides them)");
            } catch (LifeboatException e) {
                r.unusable(e);
            }
            checkBucket(reader.bucketSettings(), options.minRetentionDays(), findings);
            checkAccount(w, target, target.writeCredentials());
            checkAccount(r, target, target.readCredentials());
            for (CredentialsConfig agentCredential : options.agents()) {
                Checks a = new Checks("agent:" + agentCredential.profile().orElse("default"), findings);
                try (PermissionProbe agent = probes.openAsAgent(target, agentCredential)) {
                    a.mustRefuse("list", agent.list(PermissionProbe.PROBE_PREFIX), "this agent can list the vault");
                    a.mustRefuse("get", agent.get(writerKey), "this agent can read backups");
                    a.mustRefuse("put", agent.put(readerKey.replace("-reader.txt", "-agent.txt"), probeContent("agent", now), true),
                            "this agent can write into the vault");
                    a.mustRefuse("delete", agent.deleteProbe(writerKey), "this agent can delete backups");
                } catch (LifeboatException e) {
                    // Not a pass: a misspelt profile must not look like an agent that reaches nothing.
                    a.add("credentials", "usable", null, Status.FAIL, "could not check this agent: " + e.getMessage());
                }
            }
            try {
                w.mustRefuse("delete", writer.deleteProbe(writerKey), "the writer can delete objects (in a versioned bucket a delete marker hides them)");
            } catch (LifeboatException e) {
                w.unusable(e);
            }
        } catch (LifeboatException e) {
            // A credential that cannot even be set up (bad file, no profile): nothing was probed.
            findings.add(new Finding("target", "credentials", "usable", null, Status.FAIL, e.getMessage()));
            location = target.url().toString();
        }
        return new TargetAudit(target.name(), location, findings, worst(findings), probeObjects);
    }

    /**
     * Versioning on, Object Lock with a COMPLIANCE default retention of at least the minimum, and
     * a lifecycle expiry no shorter than the retention (else expiry only adds delete markers).
     */
    static void checkBucket(BucketSettings b, int minRetentionDays, List<Finding> findings) {
        Checks c = new Checks("bucket", findings);
        for (String what : b.unreadable()) {
            c.add("settings", "readable", null, Status.WARN, "the reader may not read the bucket's " + what
                    + " (the reader-role policy allows it): not checked");
        }
        if (b.unreadable().stream().noneMatch(u -> u.startsWith("versioning"))) {
            boolean on = b.versioning().filter("Enabled"::equals).isPresent();
            c.add("versioning", "Enabled", null, on ? Status.PASS : Status.FAIL, on ? "versioning is on"
                    : "versioning is " + b.versioning().orElse("off") + ": an overwrite or a delete destroys the only copy");
        }
        if (b.unreadable().stream().noneMatch(u -> u.startsWith("object lock"))) {
            if (b.lockMode().isEmpty()) {
                c.add("object-lock", "COMPLIANCE", null, Status.FAIL,
                        "no Object Lock default retention: whoever may delete can delete every backup at once");
            } else if (!b.lockMode().get().equals("COMPLIANCE")) {
                c.add("object-lock", "COMPLIANCE", null, Status.FAIL, "default retention is " + b.lockMode().get()
                        + ": anyone allowed s3:BypassGovernanceRetention can delete locked backups; use COMPLIANCE");
            } else if (b.lockDays().orElse(0) < minRetentionDays) {
                c.add("object-lock", "COMPLIANCE", null, Status.FAIL, "default retention is " + b.lockDays().orElse(0)
                        + " days, shorter than the minimum of " + minRetentionDays + " days");
            } else {
                c.add("object-lock", "COMPLIANCE", null, Status.PASS, "COMPLIANCE, " + b.lockDays().getAsInt() + " days by default");
            }
        }
        if (b.unreadable().stream().noneMatch(u -> u.startsWith("lifecycle"))) {
            if (b.expiryDays().isEmpty()) {
                c.add("lifecycle", "expiry after retention", null, Status.WARN, "no lifecycle expiry: backups are kept (and paid for) forever");
            } else if (b.lockDays().isPresent() && b.expiryDays().getAsInt() < b.lockDays().getAsInt()) {
                c.add("lifecycle", "expiry after retention", null, Status.FAIL, "objects expire after " + b.expiryDays().getAsInt()
                        + " days, before their " + b.lockDays().getAsInt() + "-day retention ends: expiry then only hides them behind delete markers");
            } else {
                c.add("lifecycle", "expiry after retention", null, Status.PASS, "objects expire after " + b.expiryDays().getAsInt() + " days");
            }
        }
    }

    /**
     * Credentials and identity files must be readable by lifeboat's service user only: mode 0600
     * or stricter and owned by that user (a file another user owns can be swapped by them).
     */
    static void checkFiles(List<Path> files, String serviceUser, List<Finding> findings) {
        Checks c = new Checks("files", findings);
        for (Path file : files) {
            try {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
                String owner = Files.getOwner(file).getName();
                boolean loose = mode.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"));
                if (loose || !owner.equals(serviceUser)) {
                    c.add(file.toString(), "0600, owned by " + serviceUser, null, Status.FAIL, file + " is mode "
                            + PosixFilePermissions.toString(mode) + " owned by " + owner + ": fix with chown " + serviceUser
                            + " " + file + " && chmod 600 " + file);
                } else {
                    c.add(file.toString(), "0600, owned by " + serviceUser, null, Status.PASS, PosixFilePermissions.toString(mode)
                            + ", owned by " + owner);
                }
            } catch (IOException | UnsupportedOperationException e) {
                c.add(file.toString(), "0600, owned by " + serviceUser, null, Status.WARN, "could not read its mode: " + e);
            }
        }
    }

    /** The role must live in another account than the credential that assumes it. */
    private void checkAccount(Checks c, TargetConfig target, CredentialsConfig credentials) {
        Optional<CallerAccounts.Answer> source = credentials.assumeRole().map(r -> probes.sourceAccount(target, credentials));
        findings(c, credentials.assumeRole().map(r -> r.roleArn()), source);
    }

    /**
     * The account finding for a role (empty: none assumed) and its source's account as STS told
     * it: FAIL when both are known and equal, WARN when either is unknown.
     */
    static void findings(Checks c, Optional<String> roleArn, Optional<CallerAccounts.Answer> source) {
        if (roleArn.isEmpty() || source.isEmpty()) {
            c.add("account", "separate account", null, Status.WARN, "no role is assumed: lifeboat cannot tell whether this"
                    + " credential belongs to a separate backup account (use role_arn; see terraform/)");
            return;
        }
        Optional<String> roleAccount = CallerAccounts.accountOf(roleArn.get());
        Optional<String> sourceAccount = source.get().account();
        if (roleAccount.isEmpty() || sourceAccount.isEmpty()) {
            c.add("account", "separate account", null, Status.WARN, "unknown: "
                    + (roleAccount.isEmpty() ? "the role ARN " + roleArn.get() + " names no account" : "source account: " + source.get().detail()));
        } else if (roleAccount.equals(sourceAccount)) {
            c.add("account", "separate account", null, Status.FAIL, "the role is in account " + roleAccount.get()
                    + ", the same as the credential that assumes it: the backups are not outside the source's blast radius");
        } else {
            c.add("account", "separate account", null, Status.PASS, "role in account " + roleAccount.get()
                    + ", assumed from account " + sourceAccount.get());
        }
    }

    private String randomHex() {
        byte[] bytes = new byte[4];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static Map<String, String> worst(List<Finding> findings) {
        Map<String, String> worst = new LinkedHashMap<>();
        List<String> credentials = findings.stream().map(Finding::credential)
                .filter(c -> !c.equals("target") && !c.equals("bucket")).distinct().toList();
        for (String credential : credentials) {
            String found = NOTHING;
            for (String check : SEVERITY) {
                boolean allowedButShouldNot = findings.stream().anyMatch(f -> f.credential().equals(credential) && f.check().equals(check)
                        && f.expected().equals("refused") && f.outcome() != null && f.outcome().result() == Result.ALLOWED);
                if (allowedButShouldNot) {
                    found = check;
                    break;
                }
            }
            worst.put(credential, found);
        }
        return worst;
    }

    private static byte[] probeContent(String credential, Instant when) {
        return ("lifeboat audit probe: written by the " + credential + " credential at " + when
                + " to test what it may do. It holds no data. Object Lock may keep it from being deleted;"
                + " the bucket's lifecycle rule expires it.\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Turns probe outcomes into findings for one credential. */
    record Checks(String credential, List<Finding> findings) {

        void mustAllow(String check, ProbeOutcome o, String ifRefused) {
            Status s = switch (o.result()) {
                case ALLOWED -> Status.PASS;
                case REFUSED -> Status.FAIL;
                case INCONCLUSIVE -> Status.WARN;
            };
            add(check, "allowed", o, s, s == Status.PASS ? "allowed, as its role needs" : s == Status.FAIL ? ifRefused : "could not tell: " + o.detail());
        }

        void mustRefuse(String check, ProbeOutcome o, String ifAllowed) {
            Status s = switch (o.result()) {
                case ALLOWED -> Status.FAIL;
                case REFUSED -> Status.PASS;
                case INCONCLUSIVE -> Status.WARN;
            };
            add(check, "refused", o, s, s == Status.PASS ? "refused (" + o.detail() + ")" : s == Status.FAIL ? ifAllowed : "could not tell: " + o.detail());
        }

        void serverShouldRefuse(String check, ProbeOutcome o, String ifAllowed) {
            Status s = o.result() == Result.REFUSED ? Status.PASS : Status.WARN;
            add(check, "refused", o, s, s == Status.PASS ? "refused (" + o.detail() + ")"
                    : o.result() == Result.ALLOWED ? ifAllowed : "could not tell: " + o.detail());
        }

        void unusable(LifeboatException e) {
            add("credentials", "usable", null, Status.FAIL, e.getMessage());
        }

        void add(String check, String expected, ProbeOutcome o, Status s, String reason) {
            findings.add(new Finding(credential, check, expected, o, s, reason));
        }
    }
}
