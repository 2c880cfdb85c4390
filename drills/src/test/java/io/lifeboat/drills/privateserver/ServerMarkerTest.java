package io.lifeboat.drills.privateserver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerMarkerTest {

    @TempDir
    Path tmp;

    @Test
    void roundTripsThroughJsonIncludingAwkwardPaths() throws IOException {
        ServerMarker m = new ServerMarker(4242, Optional.of(Instant.parse("2025-01-02T03:04:05.678Z")),
                Instant.parse("2025-01-02T03:05:00Z"), Path.of("/tmp/we\"ird\\dir\tname/lifeboat-pg-x"),
                Path.of("/usr/lib/postgresql/15/bin"));
        Path file = tmp.resolve("m" + ServerMarker.SUFFIX);
        m.createAt(file);
        assertEquals(m, ServerMarker.read(file));
        assertTrue(Files.readString(file).contains("\"dataDir\": "));
        assertThrows(FileAlreadyExistsException.class, () -> m.createAt(file), "a marker claims its name once");
    }

    @Test
    void unknownStartTimeIsNull() throws IOException {
        ServerMarker m = new ServerMarker(1, Optional.empty(), Instant.EPOCH, Path.of("/a"), Path.of("/b"));
        Path file = tmp.resolve("n" + ServerMarker.SUFFIX);
        m.createAt(file);
        assertTrue(Files.readString(file).contains("\"ownerStartedAt\": null"));
        assertEquals(m, ServerMarker.read(file));
    }

    @Test
    void rejectsWhatItDidNotWrite() throws IOException {
        Path file = Files.writeString(tmp.resolve("bad" + ServerMarker.SUFFIX), "{\"ownerPid\": \"x\"}");
        assertThrows(IOException.class, () -> ServerMarker.read(file));
    }

    @Test
    void ownerLiveness() {
        ServerMarker mine = ServerMarker.forThisProcess(Path.of("/x"), Path.of("/y"));
        assertTrue(mine.ownerAlive());
        assertTrue(mine.withOwner(mine.ownerPid(), Optional.empty()).ownerAlive(), "unknown start time: assume alive");
        assertFalse(mine.withOwner(mine.ownerPid(), mine.ownerStartedAt().map(i -> i.minusSeconds(60))).ownerAlive(),
                "same pid, other start time: a reused pid");
        assertFalse(mine.withOwner(Integer.MAX_VALUE, Optional.empty()).ownerAlive(), "no such process");
    }
}
