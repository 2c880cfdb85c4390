package io.lifeboat.drills.postgres;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Choosing binaries by server version, against a fake {@code /usr/lib/postgresql} tree whose
 * {@code pg_dump} programs are shell scripts printing a version.
 */
class PostgresInstallationsTest {

    @TempDir
    Path root;

    @Test
    void majorOfHandlesBothNumberingSchemes() {
        assertEquals(15, PostgresInstallations.majorOf(150019));
        assertEquals(10, PostgresInstallations.majorOf(100023));
        assertEquals(17, PostgresInstallations.majorOf(170000));
        assertEquals(9, PostgresInstallations.majorOf(90624), "9.6.24 is major 9, not 90");
        assertEquals(9, PostgresInstallations.majorOf(90400));
        assertEquals(8, PostgresInstallations.majorOf(80417));
        assertThrows(IllegalArgumentException.class, () -> PostgresInstallations.majorOf(15));
        assertThrows(IllegalArgumentException.class, () -> PostgresInstallations.majorOf(-1));
    }

    @Test
    void exactMajorIsPreferred() throws IOException {
        fakePgDump("13", "pg_dump (PostgreSQL) 13.11");
        fakePgDump("15", "pg_dump (PostgreSQL) 15.4 (Debian 15.4-1.pgdg120+1)");
        fakePgDump("16", "pg_dump (PostgreSQL) 16.2");
        PostgresInstallations found = PostgresInstallations.scan(root, Optional.empty());

        assertEquals(List.of(13, 15, 16), found.all().stream().map(PostgresInstallation::major).toList());
        PostgresInstallations.Selection s = found.forServerMajor(15);
        assertTrue(s.exact());
        assertEquals(root.resolve("15/bin"), s.installation().binDir());
        assertEquals("15.4", s.installation().version());
        assertEquals(Optional.empty(), s.warning());
    }

    @Test
    void missingMajorFallsBackToTheNewestNewerOne() throws IOException {
        fakePgDump("13", "pg_dump (PostgreSQL) 13.11");
        fakePgDump("15", "pg_dump (PostgreSQL) 15.4");
        fakePgDump("16", "pg_dump (PostgreSQL) 16.2");
        PostgresInstallations found = PostgresInstallations.scan(root, Optional.empty());

        PostgresInstallations.Selection s = found.forServerMajor(14);
        assertFalse(s.exact());
        assertEquals(16, s.installation().major());
        String warning = s.warning().orElseThrow();
        assertTrue(warning.contains("PostgreSQL 14") && warning.contains("postgresql-client-14"), warning);

        PostgresInstallations.Selection old = found.forServerMajor(9);
        assertFalse(old.exact());
        assertEquals(16, old.installation().major());
    }

    @Test
    void noSufficientVersionNamesWhatIsInstalledAndThePackage() throws IOException {
        fakePgDump("13", "pg_dump (PostgreSQL) 13.11");
        fakePgDump("15", "pg_dump (PostgreSQL) 15.4");
        PostgresInstallations found = PostgresInstallations.scan(root, Optional.empty());

        PostgresNotInstalledException e = assertThrows(PostgresNotInstalledException.class,
                () -> found.forServerMajor(17));
        assertTrue(e.getMessage().contains("postgresql-client-17"), e.getMessage());
        assertTrue(e.getMessage().contains("13.11") && e.getMessage().contains("15.4"), e.getMessage());
        assertTrue(e.getMessage().contains(root.resolve("15/bin").toString()), e.getMessage());
    }

    @Test
    void nothingInstalled() {
        PostgresInstallations found = PostgresInstallations.scan(root.resolve("missing"), Optional.empty());
        assertEquals(List.of(), found.all());
        PostgresNotInstalledException e = assertThrows(PostgresNotInstalledException.class, found::newest);
        assertTrue(e.getMessage().contains("no PostgreSQL installation found"), e.getMessage());
        assertTrue(assertThrows(PostgresNotInstalledException.class, () -> found.forServerMajor(15))
                .getMessage().contains("postgresql-client-15"));
    }

    @Test
    void pre10DirectoriesAndNewestMinorAmongEqualMajors() throws IOException {
        fakePgDump("9.4", "pg_dump (PostgreSQL) 9.4.26");
        fakePgDump("9.6", "pg_dump (PostgreSQL) 9.6.24");
        PostgresInstallations found = PostgresInstallations.scan(root, Optional.empty());

        PostgresInstallations.Selection s = found.forServerMajor(PostgresInstallations.majorOf(90624));
        assertTrue(s.exact());
        assertEquals("9.6.24", s.installation().version());
        assertEquals("postgresql-9.6", s.installation().serverPackage());
        assertEquals("9.6.24", found.newest().version());
    }

    @Test
    void brokenAndNonExecutableCandidatesAreSkippedAndReported() throws IOException {
        fakePgDump("15", "pg_dump (PostgreSQL) 15.4");
        Path broken = fakeScript(root.resolve("14/bin/pg_dump"), "echo 'segfault' >&2; exit 139");
        Path notExecutable = root.resolve("12/bin/pg_dump");
        Files.createDirectories(notExecutable.getParent());
        Files.writeString(notExecutable, "#!/bin/sh\necho 'pg_dump (PostgreSQL) 12.1'\n");
        fakeScript(root.resolve("11/bin/pg_dump"), "echo 'not postgres at all'");

        PostgresInstallations found = PostgresInstallations.scan(root, Optional.empty());
        assertEquals(List.of(15), found.all().stream().map(PostgresInstallation::major).toList());
        assertEquals(2, found.problems().size(), found.problems().toString());
        assertTrue(found.problems().stream().anyMatch(p -> p.contains(broken.toString()) && p.contains("segfault")),
                found.problems().toString());
    }

    @Test
    void pgConfigAddsBinariesOutsideTheRootOnce() throws IOException {
        fakePgDump("15", "pg_dump (PostgreSQL) 15.4");
        Path elsewhere = root.resolve("opt/pgsql-16/bin");
        fakeScript(elsewhere.resolve("pg_dump"), "echo 'pg_dump (PostgreSQL) 16.1'");
        Path pgConfig = fakeScript(root.resolve("tools/pg_config"), "echo '" + elsewhere + "'");
        Path pgConfigSame = fakeScript(root.resolve("tools/pg_config_same"), "echo '" + root.resolve("15/bin") + "'");

        PostgresInstallations withOther = PostgresInstallations.scan(root, Optional.of(pgConfig));
        assertEquals(List.of(15, 16), withOther.all().stream().map(PostgresInstallation::major).toList());
        assertEquals(elsewhere, withOther.newest().binDir());

        PostgresInstallations withSame = PostgresInstallations.scan(root, Optional.of(pgConfigSame));
        assertEquals(1, withSame.all().size(), "the same directory found twice counts once");
    }

    @Test
    void inspectDescribesOneDirectory() throws IOException {
        fakePgDump("16", "pg_dump (PostgreSQL) 16beta2");
        PostgresInstallation i = PostgresInstallations.inspect(root.resolve("16/bin"));
        assertEquals(16, i.major());
        assertEquals("16beta2", i.version());
        assertFalse(i.hasServer());
        assertThrows(PostgresNotInstalledException.class, () -> PostgresInstallations.inspect(root));
    }

    @Test
    void newestServerSkipsClientOnlyInstallations() throws IOException {
        fakePgDump("15", "pg_dump (PostgreSQL) 15.4");
        for (String tool : PostgresInstallation.SERVER_TOOLS) {
            fakeScript(root.resolve("15/bin/" + tool), "exit 0");
        }
        fakePgDump("16", "pg_dump (PostgreSQL) 16.2");
        PostgresInstallations found = PostgresInstallations.scan(root, Optional.empty());
        assertEquals(16, found.newest().major());
        assertEquals(15, found.newestServer().major());
        assertEquals("postgresql-16", found.newest().serverPackage());
    }

    /** The real host: CI installs PostgreSQL 15 with its server, and discovery must find it. */
    @Test
    void discoversTheRealInstallation() {
        PostgresInstallations found = PostgresInstallations.discover();
        PostgresInstallation newest = found.newestServer();
        assertTrue(newest.hasServer(), newest.toString());
        assertTrue(Files.isExecutable(newest.tool("psql")), newest.toString());
        assertTrue(found.forServerMajor(newest.major()).exact());
    }

    private void fakePgDump(String dirName, String versionLine) throws IOException {
        fakeScript(root.resolve(dirName).resolve("bin/pg_dump"), "echo '" + versionLine + "'");
    }

    private static Path fakeScript(Path path, String body) throws IOException {
        Files.createDirectories(path.getParent());
        Files.writeString(path, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        return path;
    }
}
