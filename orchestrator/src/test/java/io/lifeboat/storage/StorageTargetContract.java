package io.lifeboat.storage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link StorageTarget} must do, run against each implementation by a subclass that
 * opens a fresh, empty target per test. Adding a store (Ceph RGW, say) means one subclass.
 */
public abstract class StorageTargetContract {

    /** The part size asked of targets that have parts; large uploads below span several of them. */
    protected static final int PART_SIZE = 5 * 1024 * 1024;
    protected static final PutOptions OPTIONS = PutOptions.of("application/octet-stream");

    protected StorageTarget target;

    /** A new target over an empty namespace, with {@link #PART_SIZE} parts where that applies. */
    protected abstract StorageTarget openTarget() throws Exception;

    /**
     * Whether the store refuses a multipart upload completed onto an existing key
     * ({@code If-None-Match: *} on CompleteMultipartUpload, which AWS added in 2024). A store that
     * does not (Ceph RGW 16) must say so here and pin what it does instead in its own test; the
     * vault's versioning and Object Lock are then what keep the original.
     */
    protected boolean refusesCompletingOntoAnExistingKey() {
        return true;
    }

    @BeforeEach
    void openFreshTarget() throws Exception {
        target = openTarget();
    }

    @AfterEach
    void closeTarget() {
        if (target != null) target.close();
    }

    @Test
    void smallUploadRoundTrips() throws Exception {
        byte[] content = "the sentinel row".getBytes(StandardCharsets.UTF_8);
        StoredObject stored = upload("small/one", content);
        assertEquals(new StoredObject("small/one", content.length, stored.versionId()), stored);
        assertArrayEquals(content, read("small/one"));
        assertEquals(content.length, target.stat("small/one").orElseThrow().size());
    }

    @Test
    void largeUploadSpanningSeveralPartsRoundTrips() throws Exception {
        byte[] content = randomBytes(40_000_000, 1);
        StoredObject stored = upload("large/dump", content);
        assertEquals(content.length, stored.size());
        assertEquals(sha256(content), sha256(read("large/dump")));
        assertEquals(content.length, target.stat("large/dump").orElseThrow().size());
    }

    @Test
    void uploadOfExactlyOnePartRoundTrips() throws Exception {
        byte[] content = randomBytes(PART_SIZE, 2);
        upload("edge/one-part", content);
        assertEquals(sha256(content), sha256(read("edge/one-part")));
    }

    @Test
    void uploadOfOnePartAndOneByteRoundTrips() throws Exception {
        byte[] content = randomBytes(PART_SIZE + 1, 3);
        upload("edge/one-part-and-a-byte", content);
        assertEquals(sha256(content), sha256(read("edge/one-part-and-a-byte")));
    }

    @Test
    void uploadThatTurnsOutTinyRoundTrips() throws Exception {
        byte[] content = randomBytes(1000, 4);
        upload("tiny", content);
        assertArrayEquals(content, read("tiny"));
    }

    @Test
    void zeroByteUploadStoresAnEmptyObject() throws Exception {
        try (ObjectUpload upload = target.startUpload("empty", OPTIONS)) {
            assertEquals(0, upload.complete().size());
        }
        assertEquals(0, read("empty").length);
        assertEquals(0, target.stat("empty").orElseThrow().size());
        assertEquals(List.of("empty"), keys(target.list("")));
    }

    @Test
    void putIfAbsentRefusesAnExistingKeyAndKeepsTheFirstContent() {
        target.putIfAbsent("manifest.json", bytes("first"), OPTIONS);
        StorageException e = assertThrows(StorageException.class,
                () -> target.putIfAbsent("manifest.json", bytes("second"), OPTIONS));
        assertEquals(StorageException.Kind.ALREADY_EXISTS, e.kind());
        assertTrue(e.getMessage().contains("manifest.json"), e.getMessage());
        assertArrayEquals(bytes("first"), readUnchecked("manifest.json"));
    }

    @Test
    void streamingUploadOntoAnExistingKeyFailsAndKeepsTheOriginal() throws Exception {
        target.putIfAbsent("taken", bytes("original"), OPTIONS);
        List<byte[]> attempts = refusesCompletingOntoAnExistingKey()
                ? List.of(randomBytes(100, 5), randomBytes(2 * PART_SIZE + 17, 6))
                : List.of(randomBytes(100, 5)); // one part: sent as a PutObject, which every store refuses
        for (byte[] attempt : attempts) {
            try (ObjectUpload upload = target.startUpload("taken", OPTIONS)) {
                upload.stream().write(attempt);
                StorageException e = assertThrows(StorageException.class, upload::complete);
                assertEquals(StorageException.Kind.ALREADY_EXISTS, e.kind(), e.getMessage());
            }
            assertArrayEquals(bytes("original"), read("taken"));
        }
        assertEquals(List.of("taken"), keys(target.list("")));
    }

    @Test
    void abortLeavesNothingVisible() throws Exception {
        ObjectUpload upload = target.startUpload("aborted/dump", OPTIONS);
        upload.stream().write(randomBytes(2 * PART_SIZE + 5, 7));
        upload.abort();
        upload.abort(); // safe twice
        upload.close(); // and closing after
        assertTrue(target.stat("aborted/dump").isEmpty());
        assertEquals(List.of(), target.list(""));
        assertThrows(IOException.class, () -> upload.stream().write(1));
        StorageException e = assertThrows(StorageException.class, upload::complete);
        assertEquals(StorageException.Kind.FAILED, e.kind());
    }

    @Test
    void closingWithoutCompletingAborts() throws Exception {
        try (ObjectUpload upload = target.startUpload("unfinished", OPTIONS)) {
            upload.stream().write(randomBytes(PART_SIZE + PART_SIZE / 2, 8));
            upload.stream().write(randomBytes(PART_SIZE, 9));
        }
        try (ObjectUpload upload = target.startUpload("unfinished-small", OPTIONS)) {
            upload.stream().write(bytes("a little"));
        }
        assertTrue(target.stat("unfinished").isEmpty());
        assertTrue(target.stat("unfinished-small").isEmpty());
        assertEquals(List.of(), target.list(""));
    }

    @Test
    void closingTheStreamNeitherCompletesNorAborts() throws Exception {
        try (ObjectUpload upload = target.startUpload("closed-stream", OPTIONS)) {
            try (OutputStream out = upload.stream()) {
                out.write(bytes("written, then closed"));
            }
            assertTrue(target.stat("closed-stream").isEmpty());
            upload.complete();
        }
        assertArrayEquals(bytes("written, then closed"), read("closed-stream"));
    }

    @Test
    void nothingIsVisibleBeforeComplete() throws Exception {
        try (ObjectUpload upload = target.startUpload("in-progress", OPTIONS)) {
            upload.stream().write(randomBytes(PART_SIZE + 1, 10));
            upload.stream().write(randomBytes(PART_SIZE + 1, 11));
            assertTrue(target.stat("in-progress").isEmpty());
            assertEquals(List.of(), target.list(""));
            upload.complete();
        }
        assertEquals(List.of("in-progress"), keys(target.list("")));
    }

    @Test
    void statOfAMissingKeyIsEmpty() {
        assertTrue(target.stat("no/such/key").isEmpty());
    }

    @Test
    void getOfAMissingKeyIsNotFound() {
        StorageException e = assertThrows(StorageException.class, () -> target.get("no/such/key").close());
        assertEquals(StorageException.Kind.NOT_FOUND, e.kind());
        assertTrue(e.getMessage().contains("no/such/key"), e.getMessage());
    }

    @Test
    void listFiltersByPrefixInKeyOrderAndSkipsIncompleteUploads() throws Exception {
        for (String key : List.of("b/2", "a/1", "b/1", "b10", "c", "b/sub/3")) {
            target.putIfAbsent(key, bytes(key), OPTIONS);
        }
        try (ObjectUpload pending = target.startUpload("b/pending", OPTIONS)) {
            pending.stream().write(randomBytes(PART_SIZE + 1, 12)); // a multipart upload exists now
            pending.stream().write(1);
            assertEquals(List.of("b/1", "b/2", "b/sub/3", "b10"), keys(target.list("b")));
            assertEquals(List.of("b/1", "b/2", "b/sub/3"), keys(target.list("b/")));
            assertEquals(List.of("b/sub/3"), keys(target.list("b/s")));
            assertEquals(List.of("a/1", "b/1", "b/2", "b/sub/3", "b10", "c"), keys(target.list("")));
            assertEquals(List.of(), target.list("d"));
            ObjectInfo info = target.list("a/").get(0);
            assertEquals(3, info.size());
            assertTrue(info.lastModified() != null);
        }
    }

    @Test
    void invalidKeysAreRefused() {
        for (String key : List.of("", "/abs", "a//b", "../escape", "a/../../b", "trailing/", "a/.partial-x")) {
            assertThrows(IllegalArgumentException.class, () -> target.putIfAbsent(key, bytes("x"), OPTIONS), key);
            assertThrows(IllegalArgumentException.class, () -> target.startUpload(key, OPTIONS), key);
        }
    }

    // --- helpers

    protected StoredObject upload(String key, byte[] content) throws IOException {
        try (ObjectUpload upload = target.startUpload(key, OPTIONS)) {
            OutputStream out = upload.stream();
            // Odd chunk sizes, so part boundaries fall inside writes.
            int chunk = 1_000_003;
            for (int off = 0; off < content.length; off += chunk) {
                out.write(content, off, Math.min(chunk, content.length - off));
            }
            return upload.complete();
        }
    }

    protected byte[] read(String key) throws IOException {
        try (InputStream in = target.get(key)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    private byte[] readUnchecked(String key) {
        try {
            return read(key);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    protected static List<String> keys(List<ObjectInfo> infos) {
        return infos.stream().map(ObjectInfo::key).toList();
    }

    protected static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    protected static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    protected static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
