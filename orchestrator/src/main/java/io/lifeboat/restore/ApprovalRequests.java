package io.lifeboat.restore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.drills.restore.Ownership;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Pending restore requests of the {@code approval} gate, one 0600 file each under
 * {@code <state_dir>/restore-requests/}: {@code <id>.json} written once by the requester, and
 * {@code <id>.closed} created exactly once ({@code O_CREAT|O_EXCL}) by whoever ends it — an
 * approval, a refusal, an expiry. That exclusive create is what makes a code work once, even
 * when two approvers race.
 *
 * <p>Permission model. The request file belongs to the requester and is private to them; the
 * approver must be able to read it and to create the {@code .closed} marker beside it, so in
 * practice the approver is root (a person using sudo) or the owner of the state directory, and
 * the requester is the service account or agent that runs lifeboat. What the approver trusts is
 * not the file's content but (1) the file's OS owner, which only root can change and which must
 * be the uid recorded inside it, and (2) the code, whose hash is bound to every field of the
 * request, so a requester who edits their own request file invalidates the code.
 */
public final class ApprovalRequests {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ID = Pattern.compile("[0-9]{8}T[0-9]{6}-[0-9a-f]{8}");
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final Path dir;

    public ApprovalRequests(Path stateDir) {
        this.dir = stateDir.resolve("restore-requests");
    }

    /** A request and its code: the code goes to the webhook and nowhere else. */
    public record Created(ApprovalRequest request, String code, Path file) {
        @Override
        public String toString() {
            return "Created[" + request.id() + "]"; // never the code
        }
    }

    public Created create(RestorePlan plan, RestoreAsk ask, OsUser requester, Instant now, Duration expiry) {
        byte[] random = new byte[4];
        new java.security.SecureRandom().nextBytes(random);
        String id = ID_TIME.format(now) + "-" + HexFormat.of().formatHex(random);
        String code = OneTimeCode.generate();
        String salt = OneTimeCode.newSalt();
        ApprovalRequest unsigned = new ApprovalRequest(id, plan.source(), plan.backup().id(), plan.database(), ask.into(),
                ask.replace(), ask.ownership(), plan.plannedAt(), requester.uid(), requester.name(), now, now.plus(expiry), salt, "");
        ApprovalRequest request = new ApprovalRequest(id, plan.source(), plan.backup().id(), plan.database(), ask.into(),
                ask.replace(), ask.ownership(), plan.plannedAt(), requester.uid(), requester.name(), now, now.plus(expiry), salt,
                OneTimeCode.hash(salt, code, unsigned.binding()));
        Path file = dir.resolve(id + ".json");
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.write(Files.createFile(file, PRIVATE_FILE), toJson(request).getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write restore request " + file + ": " + e.getMessage(), e);
        }
        return new Created(request, code, file);
    }

    /**
     * The request with this id, with the uid that owns its file.
     *
     * @throws LifeboatException exit 2 for an id that is malformed or unknown
     */
    public Loaded load(String id) {
        if (!ID.matcher(id).matches()) {
            throw new LifeboatException(ExitCode.USAGE, "'" + id + "' is not a restore request id (they look like 20261124T041500-3fa2c1b0)");
        }
        Path file = dir.resolve(id + ".json");
        try {
            JsonNode n = JSON.readTree(Files.readString(file));
            ApprovalRequest r = new ApprovalRequest(n.get("id").asText(), n.get("source").asText(), n.get("backup_id").asText(),
                    n.get("database").asText(), Optional.ofNullable(n.get("into")).filter(x -> !x.isNull()).map(JsonNode::asText),
                    n.get("replace").asBoolean(), ownership(n), Instant.parse(n.get("planned_at").asText()), n.get("requester_uid").asInt(),
                    n.get("requester").asText(), Instant.parse(n.get("created_at").asText()),
                    Instant.parse(n.get("expires_at").asText()), n.get("salt").asText(), n.get("code_hash").asText());
            return new Loaded(r, OsUser.ownerUid(file), closedAs(id));
        } catch (NoSuchFileException e) {
            throw new LifeboatException(ExitCode.USAGE, "there is no restore request " + id + " in " + dir);
        } catch (IOException | RuntimeException e) {
            throw new LifeboatException(ExitCode.USAGE, "restore request " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** A loaded request; {@code closed} says how it already ended, if it did. */
    public record Loaded(ApprovalRequest request, int fileOwnerUid, Optional<String> closed) {
    }

    /**
     * Ends the request for good. Exactly one caller succeeds; every later one learns how it ended.
     *
     * @return empty when this call closed it; otherwise how it had already ended
     */
    public Optional<String> close(String id, String how) {
        Path marker = dir.resolve(id + ".closed");
        try {
            Files.write(Files.createFile(marker, PRIVATE_FILE), (how + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.WRITE);
            return Optional.empty();
        } catch (FileAlreadyExistsException e) {
            return Optional.of(closedAs(id).orElse("closed"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close restore request " + id + " (" + marker + "): " + e.getMessage(), e);
        }
    }

    private Optional<String> closedAs(String id) {
        Path marker = dir.resolve(id + ".closed");
        try {
            return Optional.of(Files.readString(marker).strip());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("closed (" + marker + " unreadable: " + e.getMessage() + ")");
        }
    }

    /**
     * A request file's ownership. A file without the field cannot be approved as written: its code
     * was bound without it, so the binding check refuses it whatever is assumed here.
     */
    private static Ownership ownership(JsonNode n) {
        JsonNode o = n.get("ownership");
        try {
            return o == null || o.isNull() ? Ownership.AS_IN_BACKUP : Ownership.valueOf(o.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown ownership \"" + o.asText() + "\"");
        }
    }

    private static String toJson(ApprovalRequest r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", r.id());
        n.put("source", r.source());
        n.put("backup_id", r.backupId());
        n.put("database", r.database());
        r.into().ifPresentOrElse(i -> n.put("into", i), () -> n.putNull("into"));
        n.put("replace", r.replace());
        n.put("ownership", r.ownership().name());
        n.put("planned_at", r.plannedAt().toString());
        n.put("requester_uid", r.requesterUid());
        n.put("requester", r.requester());
        n.put("created_at", r.createdAt().toString());
        n.put("expires_at", r.expiresAt().toString());
        n.put("salt", r.salt());
        n.put("code_hash", r.codeHash());
        return n.toPrettyString() + "\n";
    }
}
