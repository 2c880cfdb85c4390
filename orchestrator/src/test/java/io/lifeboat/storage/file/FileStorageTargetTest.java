package io.lifeboat.storage.file;

import io.lifeboat.storage.ObjectUpload;
import io.lifeboat.storage.StorageException;
import io.lifeboat.storage.StorageTarget;
import io.lifeboat.storage.StorageTargetContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileStorageTargetTest extends StorageTargetContract {

    @TempDir
    Path temp;

    private Path root;

    @Override
    protected StorageTarget openTarget() {
        root = temp.resolve("target"); // does not exist yet: the target creates it
        return new FileStorageTarget(root);
    }

    @Test
    void publishedFilesAreReadOnlyAndDirectoriesPrivate() throws Exception {
        target.putIfAbsent("source/2024/dump", bytes("x"), OPTIONS);
        assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("source/2024/dump"))));
        for (Path dir : List.of(root, root.resolve("source"), root.resolve("source/2024"))) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)), dir.toString());
        }
    }

    @Test
    void uploadsInProgressAreHiddenTempFilesThatAbortRemoves() throws Exception {
        ObjectUpload upload = target.startUpload("dir/dump", OPTIONS);
        upload.stream().write(bytes("partial"));
        upload.stream().flush();
        List<Path> temps = files(root.resolve("dir"));
        assertEquals(1, temps.size());
        assertTrue(temps.get(0).getFileName().toString().startsWith(".partial-"), temps.toString());
        assertEquals(List.of(), target.list(""));
        upload.abort();
        assertEquals(List.of(), files(root.resolve("dir")));
    }

    @Test
    void completeLeavesNoTempFileBehind() throws Exception {
        target.putIfAbsent("dir/dump", bytes("x"), OPTIONS);
        assertEquals(List.of(root.resolve("dir/dump")), files(root.resolve("dir")));
    }

    @Test
    void aFileThatAppearedMeanwhileIsNeverReplaced() throws Exception {
        try (ObjectUpload upload = target.startUpload("race", OPTIONS)) {
            upload.stream().write(bytes("late writer"));
            Files.writeString(root.resolve("race"), "early writer"); // e.g. another lifeboat process
            StorageException e = assertThrows(StorageException.class, upload::complete);
            assertEquals(StorageException.Kind.ALREADY_EXISTS, e.kind());
        }
        assertArrayEquals(bytes("early writer"), read("race"));
        assertEquals(List.of(root.resolve("race")), files(root));
    }

    @Test
    void leftoverTempFilesAreNotObjects() throws Exception {
        Files.createDirectories(root.resolve("crashed"));
        Files.writeString(root.resolve("crashed/.partial-1234"), "from a crash");
        assertEquals(List.of(), target.list(""));
        assertTrue(target.stat("crashed").isEmpty()); // a directory is not an object either
    }

    @Test
    void describeNamesTheDirectory() {
        assertEquals("file://" + root, target.describe());
    }

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
