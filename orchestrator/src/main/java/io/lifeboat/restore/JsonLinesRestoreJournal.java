package io.lifeboat.restore;

import io.lifeboat.config.StateFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link RestoreJournal} as {@code <state_dir>/restore-journal.jsonl}: one JSON object a line,
 * opened with O_APPEND (each entry is one write, so concurrent writers do not interleave) and
 * forced to disk before {@link #record} returns. Created 0600: it names databases and users.
 */
public final class JsonLinesRestoreJournal implements RestoreJournal {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    public JsonLinesRestoreJournal(Path stateDir) {
        this.file = stateDir.resolve("restore-journal.jsonl");
    }

    public Path file() {
        return file;
    }

    @Override
    public void record(Entry e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("at", e.at().toString());
        n.put("event", e.event().name());
        n.put("request", e.request());
        n.put("source", e.source());
        n.put("backup", e.backupId());
        n.put("database", e.database());
        n.put("uid", e.uid());
        n.put("user", e.user());
        n.put("detail", e.detail());
        byte[] line = (n + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel ch = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
                ch.write(ByteBuffer.wrap(line));
                ch.force(true);
            }
            // the requester and the approver (often root) both append: the file stays the state directory owner's
            StateFiles.adopt(file.getParent(), file);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot append to the restore journal " + file + ": " + ex.getMessage(), ex);
        }
    }

    @Override
    public List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        if (!Files.exists(file)) {
            return entries;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = JSON.readTree(line);
                entries.add(new Entry(Instant.parse(n.get("at").asText()), Event.valueOf(n.get("event").asText()),
                        n.get("request").asText(), n.get("source").asText(), n.path("backup").asText(""), n.get("database").asText(), n.get("uid").asInt(),
                        n.get("user").asText(), n.get("detail").asText()));
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read the restore journal " + file + ": " + ex.getMessage(), ex);
        }
        return entries;
    }
}
