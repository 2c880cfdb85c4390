package io.lifeboat.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./lifeboat} launcher, every user's entry point, run for real on a copy of the
 * repository's layout with a stand-in {@code mvn} (which records its calls and writes a jar) and
 * a stand-in JVM ({@code LIFEBOAT_JAVA}, which records the command line it was given): when it
 * builds, that two launchers build once, that the JVM runs a copy of the jar, which options each
 * command gets, and that a failed build exits 3 with Maven's output.
 */
class LauncherScriptTest {

    @TempDir
    Path repo;

    private Path calls;

    @BeforeEach
    void layout() throws IOException {
        Path launcher = Path.of(System.getProperty("user.dir")).getParent().resolve("lifeboat");
        Files.copy(launcher, repo.resolve("lifeboat"));
        for (String pom : List.of("pom.xml", "drills/pom.xml", "orchestrator/pom.xml")) {
            Files.createDirectories(repo.resolve(pom).getParent());
            Files.writeString(repo.resolve(pom), "<project/>\n");
        }
        Files.createDirectories(repo.resolve("drills/src/main/java"));
        Files.writeString(repo.resolve("drills/src/main/java/A.java"), "class A {}\n");
        Files.createDirectories(repo.resolve("orchestrator/src/main/java"));
        calls = repo.resolve("calls");
        Files.createDirectories(repo.resolve("bin"));
        // Maven's stand-in: records the call, waits a little (so that a second launcher would
        // overlap it), writes the jar, or fails with output when told to.
        executable(repo.resolve("bin/mvn"), """
                #!/usr/bin/env bash
                echo "mvn $*" >> "%s"
                sleep 0.5
                if [ -f "%s" ]; then echo "[ERROR] COMPILATION ERROR: A.java:[1,1] broken"; exit 1; fi
                mkdir -p orchestrator/target
                echo "jar built at $(date +%%s%%N)" > orchestrator/target/lifeboat.jar
                """.formatted(calls, repo.resolve("fail-build")));
        executable(repo.resolve("bin/java"), """
                #!/usr/bin/env bash
                printf '%%s\\n' "$@" > "%s.java.$$"
                echo "java ran"
                """.formatted(calls));
    }

    private static void executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private record Run(int exit, String out, String err) {
    }

    private Run launch(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", repo.resolve("lifeboat").toString()));
        command.addAll(List.of(args));
        return run(command, env);
    }

    private Run run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(repo.toFile());
        pb.environment().put("PATH", repo.resolve("bin") + ":" + System.getenv("PATH"));
        pb.environment().put("LIFEBOAT_JAVA", repo.resolve("bin/java").toString());
        pb.environment().remove("LIFEBOAT_JAVA_OPTS");
        pb.environment().putAll(env);
        Path out = Files.createTempFile(repo, "out", ".txt");
        Path err = Files.createTempFile(repo, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher did not finish");
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private List<String> mavenCalls() throws IOException {
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    /** The arguments the stand-in JVM got, for the one launch since the last call. */
    private List<String> jvmArguments() throws IOException {
        List<Path> runs;
        try (var s = Files.list(repo)) {
            runs = s.filter(p -> p.getFileName().toString().startsWith("calls.java.")).toList();
        }
        assertEquals(1, runs.size(), runs.toString());
        List<String> args = Files.readAllLines(runs.get(0));
        Files.delete(runs.get(0));
        return args;
    }

    private String jarArgument(List<String> args) {
        return args.get(args.indexOf("-jar") + 1);
    }

    @Test
    void aMissingJarIsBuiltOnceAndTheJvmRunsACopyOfIt() throws Exception {
        Run first = launch(Map.of(), "--version");
        assertEquals(0, first.exit, first.toString());
        assertEquals("java ran", first.out.strip());
        assertTrue(first.err.contains("building"), first.err);
        assertEquals(List.of("mvn -o -q -B -DskipTests -pl orchestrator -am package"), mavenCalls());
        List<String> args = jvmArguments();
        Path copy = Path.of(jarArgument(args));
        assertEquals(repo.resolve("orchestrator/target/launcher"), copy.getParent(), args.toString());
        assertArrayEquals(Files.readAllBytes(repo.resolve("orchestrator/target/lifeboat.jar")), Files.readAllBytes(copy),
                "the JVM runs a copy, which a rebuild cannot change under it");
        assertEquals("--version", args.get(args.size() - 1));

        Run second = launch(Map.of(), "--version");
        assertEquals(0, second.exit, second.toString());
        assertEquals(1, mavenCalls().size(), "an up-to-date jar is not rebuilt");
        assertEquals(copy.toString(), jarArgument(jvmArguments()), "the same copy while the jar is unchanged");
    }

    @Test
    void aSourceNewerThanTheJarRebuildsItAndTheOldCopyGoesOnceUnused() throws Exception {
        assertEquals(0, launch(Map.of(), "--version").exit);
        String oldCopy = jarArgument(jvmArguments());
        Path source = repo.resolve("drills/src/main/java/A.java");
        Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(5)));
        // the old copy was last used more than an hour ago
        Files.setAttribute(Path.of(oldCopy), "lastAccessTime", FileTime.from(Instant.now().minusSeconds(7200)));

        Run rebuilt = launch(Map.of(), "--version");
        assertEquals(0, rebuilt.exit, rebuilt.toString());
        assertEquals(2, mavenCalls().size(), mavenCalls().toString());
        String newCopy = jarArgument(jvmArguments());
        assertFalse(newCopy.equals(oldCopy), "a new jar gets a new copy");
        assertFalse(Files.exists(Path.of(oldCopy)), "a copy unused for an hour is removed");
    }

    @Test
    void twoLaunchersStartedTogetherBuildOnce() throws Exception {
        List<Process> launchers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ProcessBuilder pb = new ProcessBuilder("bash", repo.resolve("lifeboat").toString(), "--version").directory(repo.toFile());
            pb.environment().put("PATH", repo.resolve("bin") + ":" + System.getenv("PATH"));
            pb.environment().put("LIFEBOAT_JAVA", repo.resolve("bin/java").toString());
            launchers.add(pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        }
        for (Process p : launchers) {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
        }
        assertEquals(1, mavenCalls().size(), "the second launcher waited for the first one's build: " + mavenCalls());
    }

    @Test
    void eachCommandGetsItsJvmOptionsAndLifeboatJavaOptsReplacesThem() throws Exception {
        assertEquals(0, launch(Map.of(), "--config", "report", "report", "--format", "json").exit);
        List<String> report = jvmArguments();
        assertTrue(report.contains("-XX:TieredStopAtLevel=1"), "a report runs with C1 only: " + report);
        assertTrue(report.contains("-Xmx192m") && report.contains("-XX:+UseSerialGC"), report.toString());
        // "report" here is the value of --config, not the command: the command is backup
        assertEquals(0, launch(Map.of(), "--config", "report", "backup", "run", "shop").exit);
        List<String> backup = jvmArguments();
        assertFalse(backup.contains("-XX:TieredStopAtLevel=1"), "a backup keeps C2: " + backup);
        assertEquals(List.of("--config", "report", "backup", "run", "shop"), backup.subList(backup.size() - 5, backup.size()));

        assertEquals(0, launch(Map.of("LIFEBOAT_JAVA_OPTS", "-Xmx1g -Dx=y"), "report").exit);
        List<String> custom = jvmArguments();
        assertEquals(List.of("-Xmx1g", "-Dx=y", "-jar"), custom.subList(0, 3), custom.toString());
    }

    /** The report's stand-in in a real jar: says how the launcher ran its JVM, and exits 1 as a report with an OVERDUE item. */
    public static final class Hello {
        public static void main(String[] args) {
            List<String> jvm = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
            String aot = jvm.stream().anyMatch(a -> a.equals("-XX:AOTMode=record")) ? "record"
                    : jvm.stream().anyMatch(a -> a.startsWith("-XX:AOTCache=")) ? "cache"
                    : jvm.stream().anyMatch(a -> a.startsWith("-XX:SharedArchiveFile=")) ? "archive" : "none";
            System.out.println("aot=" + aot);
            System.out.println("ran: " + String.join(" ", args));
            if (List.of(args).contains("--killed")) {
                try {
                    new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid())).start().waitFor();
                    Thread.sleep(10_000);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            System.exit(1);
        }
    }

    /** A real JDK 25 or later, as machines of this kind have: the AOT cache needs one. */
    private static Path jdk25() throws IOException {
        try (var homes = Files.list(Path.of("/usr/lib/jvm"))) {
            for (Path home : homes.sorted().toList()) {
                Path release = home.resolve("release");
                if (Files.isExecutable(home.resolve("bin/java")) && Files.exists(release)) {
                    var m = java.util.regex.Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)").matcher(Files.readString(release));
                    if (m.find() && Integer.parseInt(m.group(1)) >= 25) {
                        return home.resolve("bin/java");
                    }
                }
            }
        }
        throw new AssertionError("no JDK 25 or later under /usr/lib/jvm: this machine kind has Temurin 25 there, and the"
                + " launcher's AOT cache for reports needs it");
    }

    private void writeHelloJar(String marker) throws IOException {
        Path jar = repo.resolve("orchestrator/target/lifeboat.jar");
        Files.createDirectories(jar.getParent());
        var manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MAIN_CLASS, Hello.class.getName());
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), manifest);
             var in = Hello.class.getResourceAsStream("LauncherScriptTest$Hello.class")) {
            out.putNextEntry(new java.util.jar.JarEntry(Hello.class.getName().replace('.', '/') + ".class"));
            out.write(in.readAllBytes());
            out.putNextEntry(new java.util.jar.JarEntry("marker.txt"));   // a rebuild makes another jar
            out.write(marker.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The command's AOT caches (not their sums, logs or markers). */
    private List<String> caches(String command) throws IOException {
        return launcherFiles("." + command + ".aot").stream().filter(n -> n.endsWith("." + command + ".aot")).toList();
    }

    private List<String> launcherFiles(String suffix) throws IOException {
        try (var s = Files.list(repo.resolve("orchestrator/target/launcher"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.contains(suffix)).sorted().toList();
        }
    }

    /**
     * On JDK 25 a report's first run records its classes and leaves an AOT cache; later runs map
     * it. Output and exit code are the report's either way, and nothing of the JVM's reaches
     * stdout or stderr. A damaged cache is never mapped (the launcher checks its sum) and is
     * recorded anew, and a new jar gets a new cache while the old one goes.
     */
    @Test
    void aReportRecordsAnAotCacheOnceAndLaterReportsMapIt() throws Exception {
        writeHelloJar("one");
        Map<String, String> env = Map.of("LIFEBOAT_JAVA", jdk25().toString());

        Run first = launch(env, "report", "--format", "json");
        assertEquals(new Run(1, "aot=record\nran: report --format json\n", ""), first);
        assertEquals(1, caches("report").size(), launcherFiles("").toString());
        assertEquals(List.of(), launcherFiles("aotconf"), "the recorded configuration is removed");
        assertEquals(List.of(), launcherFiles(".tmp."), "the cache was renamed into place");
        Path cache = repo.resolve("orchestrator/target/launcher").resolve(caches("report").get(0));

        Run second = launch(env, "report", "--format", "json");
        assertEquals(new Run(1, "aot=cache\nran: report --format json\n", ""), second);

        Path sum = cache.resolveSibling(cache.getFileName() + ".sum");
        assertTrue(Files.readString(sum).matches("\\d+ " + Files.size(cache) + "\n"), "cksum's CRC and size: " + Files.readString(sum));

        Path log = cache.resolveSibling(cache.getFileName() + ".log");
        // What the sum cannot see, the JVM says in the log: here a cache made by another build of
        // the JVM (as after the JDK was updated in place), its sum taken again so the launcher
        // passes it. The JVM runs without it; the next run records anew.
        byte[] bytes = Files.readAllBytes(cache);
        int ident = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("Server VM (") + "Server VM (".length();
        assertTrue(ident > 100 && Character.isDigit(bytes[ident]), "the header names the JVM that made the cache");
        bytes[ident] = (byte) (bytes[ident] == '9' ? '8' : '9');
        Files.write(cache, bytes);
        Files.writeString(sum, cksum(cache));
        assertEquals(new Run(1, "aot=cache\nran: report --format json\n", ""), launch(env, "report", "--format", "json"));
        assertTrue(Files.readString(log).contains("created by a different version or build of HotSpot"), Files.readString(log));
        assertEquals(new Run(1, "aot=record\nran: report --format json\n", ""), launch(env, "report", "--format", "json"),
                "a refused cache is recorded anew");
        assertFalse(Files.exists(log), "the complaint went with the refused cache");
        assertEquals(new Run(1, "aot=cache\nran: report --format json\n", ""), launch(env, "report", "--format", "json"));
        assertEquals(0, Files.size(log), Files.readString(log));

        // Refused again, here damaged: its sum no longer matches, so the damaged cache never reaches
        // the JVM. Not recorded a third time (should something in the environment make the JVM refuse
        // every new cache, every other run would pay for a recording): the class-data archive
        // instead, for this jar.
        damage(cache);
        assertEquals(new Run(1, "aot=archive\nran: report --format json\n", ""), launch(env, "report", "--format", "json"),
                "a cache refused twice is not recorded a third time");
        assertFalse(Files.exists(cache), "the damaged cache is gone");
        assertEquals(new Run(1, "aot=archive\nran: report --format json\n", ""), launch(env, "report", "--format", "json"));
        assertEquals(1, launcherFiles(".report.aot.failed").size(), launcherFiles("").toString());

        writeHelloJar("two");
        Files.setLastModifiedTime(repo.resolve("orchestrator/target/lifeboat.jar"), FileTime.from(Instant.now().plusSeconds(5)));
        Run rebuilt = launch(env, "report", "--format", "json");
        assertEquals(new Run(1, "aot=record\nran: report --format json\n", ""), rebuilt);
        assertEquals(1, caches("report").size(), "the old jar's cache is gone: " + launcherFiles(""));
        assertFalse(Files.exists(cache));
        // a damaged cache is never mapped: its sum no longer matches, and the run records anew
        Path cacheTwo = cache.resolveSibling(caches("report").get(0));
        damage(cacheTwo);
        byte[] damagedBytes = Files.readAllBytes(cacheTwo);
        assertEquals(new Run(1, "aot=record\nran: report --format json\n", ""), launch(env, "report", "--format", "json"),
                "a damaged cache is recorded anew");
        assertFalse(java.util.Arrays.equals(damagedBytes, Files.readAllBytes(cacheTwo)), "a new cache replaced the damaged one");
        assertEquals(new Run(1, "aot=cache\nran: report --format json\n", ""), launch(env, "report", "--format", "json"));
        // a cache without its sum (its assembly stopped between the two renames) is not mapped unchecked
        Files.delete(cacheTwo.resolveSibling(cacheTwo.getFileName() + ".sum"));
        assertEquals(new Run(1, "aot=record\nran: report --format json\n", ""), launch(env, "report", "--format", "json"));
        assertEquals(new Run(1, "aot=cache\nran: report --format json\n", ""), launch(env, "report", "--format", "json"));
        assertEquals("aot=none", launch(env, "--version").out.lines().findFirst().orElseThrow(),
                "only the report uses it");

        // a first run that is killed records nothing, and the next run records instead
        writeHelloJar("three");
        Files.setLastModifiedTime(repo.resolve("orchestrator/target/lifeboat.jar"), FileTime.from(Instant.now().plusSeconds(10)));
        assertEquals(137, launch(env, "report", "--killed").exit());
        assertEquals(List.of(), launcherFiles(".report.aot"), "no cache and no failure marker");
        assertEquals(new Run(1, "aot=record\nran: report\n", ""), launch(env, "report"));
        assertEquals(1, caches("report").size(), launcherFiles("").toString());

        // backups and drills get theirs, one per command
        assertEquals(new Run(1, "aot=record\nran: drill run shop\n", ""), launch(env, "drill", "run", "shop"));
        assertEquals(new Run(1, "aot=cache\nran: drill run shop\n", ""), launch(env, "drill", "run", "shop"));
        assertEquals(2, launcherFiles(".aot").stream().filter(n -> n.endsWith(".aot")).count(), launcherFiles("").toString());
    }

    /**
     * When the JVM cannot assemble the cache, the report is still the report's, and later reports
     * do not record again (each would pay for it): they use the class-data archive instead.
     */
    @Test
    void aCacheThatCannotBeAssembledIsNotTriedAgainForThatJar() throws Exception {
        writeHelloJar("one");
        // a JDK 25 whose "java" refuses to assemble caches: a wrapper in a home with the real release file
        Path real = jdk25();
        Path home = repo.resolve("jdk25-refusing");
        Files.createDirectories(home.resolve("bin"));
        Files.copy(real.getParent().getParent().resolve("release"), home.resolve("release"));
        executable(home.resolve("bin/java"), """
                #!/usr/bin/env bash
                for a in "$@"; do [ "$a" = -XX:AOTMode=create ] && { echo "cannot create" >&2; exit 1; }; done
                exec "%s" "$@"
                """.formatted(real));
        Map<String, String> env = Map.of("LIFEBOAT_JAVA", home.resolve("bin/java").toString());

        assertEquals(new Run(1, "aot=record\nran: report\n", ""), launch(env, "report"));
        assertEquals(List.of(), launcherFiles(".report.aot").stream().filter(n -> n.endsWith(".aot")).toList());
        assertEquals(1, launcherFiles(".report.aot.failed").size(), launcherFiles("").toString());
        assertEquals(new Run(1, "aot=archive\nran: report\n", ""), launch(env, "report"));
        assertEquals(new Run(1, "aot=archive\nran: report\n", ""), launch(env, "report"));

        // the archive is checked too: damaged, it is ignored, with the JVM's own warning on stderr,
        // and the next run writes a new one
        List<String> archives = launcherFiles(".report.jsa").stream().filter(n -> n.endsWith(".jsa")).toList();
        assertEquals(1, archives.size(), launcherFiles("").toString());
        Path archive = repo.resolve("orchestrator/target/launcher").resolve(archives.get(0));
        damage(archive);
        byte[] damagedBytes = Files.readAllBytes(archive);
        Run damaged = launch(env, "report");
        assertEquals(1, damaged.exit(), damaged.toString());
        assertEquals("aot=archive\nran: report\n", damaged.out(), "a damaged archive is ignored");
        assertFalse(damaged.err().contains("fatal error"), damaged.err());
        assertEquals(new Run(1, "aot=archive\nran: report\n", ""), launch(env, "report"), "the damaged archive is written anew");
        assertTrue(Files.exists(archive) && !java.util.Arrays.equals(damagedBytes, Files.readAllBytes(archive)),
                "a new archive replaced the damaged one");
        assertEquals(new Run(1, "aot=archive\nran: report\n", ""), launch(env, "report"), "and maps without a word");
    }

    /**
     * Recording takes more memory than running (a backup: 337 MiB against 190-210). Under a
     * memory limit below 512 MiB, a real one (a memory cgroup of this machine with 300 MiB), the
     * launcher records nothing, says why in a file beside the jar and runs the command without a
     * cache; a cache recorded outside the limit is mapped inside it as usual.
     */
    @Test
    void underAMemoryLimitNoCacheIsRecordedButOneMadeOutsideIsMapped() throws Exception {
        writeHelloJar("one");
        Map<String, String> env = Map.of("LIFEBOAT_JAVA", jdk25().toString());
        Path cgroup = memoryCgroup(300L * 1024 * 1024);
        try {
            assertEquals(new Run(1, "aot=none\nran: report\n", ""), launchIn(cgroup, env, "report"));
            assertEquals(List.of(), caches("report"), launcherFiles("").toString());
            List<String> skipped = launcherFiles(".report.aot.skipped");
            assertEquals(1, skipped.size(), launcherFiles("").toString());
            String why = Files.readString(repo.resolve("orchestrator/target/launcher").resolve(skipped.get(0)));
            assertTrue(why.startsWith("not recorded: memory limit 300 MiB is below 512 MiB"), why);

            assertEquals(new Run(1, "aot=record\nran: report\n", ""), launch(env, "report"), "outside the limit");
            assertEquals(1, caches("report").size(), launcherFiles("").toString());
            assertEquals(List.of(), launcherFiles(".skipped"));
            assertEquals(new Run(1, "aot=cache\nran: report\n", ""), launchIn(cgroup, env, "report"));
        } finally {
            Files.deleteIfExists(cgroup);   // rmdir: the processes in it have exited
        }
    }

    /** A child of this process's memory cgroup (v1 or v2) with {@code limit} bytes. */
    private static Path memoryCgroup(long limit) throws IOException {
        String name = "lifeboat-launcher-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] f = line.split(":", 3);
            Path dir;
            String file;
            if (List.of(f[1].split(",")).contains("memory")) {
                dir = Path.of("/sys/fs/cgroup/memory" + f[2]);
                file = "memory.limit_in_bytes";
            } else if (f[1].isEmpty() && Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"))) {
                dir = Path.of("/sys/fs/cgroup" + f[2]);
                file = "memory.max";
            } else {
                continue;
            }
            Path child = Files.createDirectory(dir.resolve(name));
            Files.writeString(child.resolve(file), Long.toString(limit));
            return child;
        }
        throw new AssertionError("no memory cgroup to make a child of in /proc/self/cgroup: the launcher's memory-limit"
                + " test needs one (machines of this kind have cgroup v1's memory controller, and tests run as root)");
    }

    /** The launcher, started in {@code cgroup}: the shell moves itself there, then runs it. */
    private Run launchIn(Path cgroup, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "echo $$ > \"$1\" && shift && exec \"$@\"", "_",
                cgroup.resolve("cgroup.procs").toString(), "bash", repo.resolve("lifeboat").toString()));
        command.addAll(List.of(args));
        return run(command, env);
    }

    private static String cksum(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("cksum").redirectInput(file.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        return out;
    }

    /** Flips bytes in the header and the middle of a cache or archive file. */
    private static void damage(Path file) throws IOException {
        try (var f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            for (long at : new long[] {100, f.length() / 2}) {
                f.seek(at);
                f.write(new byte[] {0x55, (byte) 0xaa, 0x55, (byte) 0xaa, 0x55, (byte) 0xaa, 0x55, (byte) 0xaa});
            }
        }
    }

    @Test
    void aFailedBuildExitsThreeWithMavensOutputAndRunsNothing() throws Exception {
        Files.writeString(repo.resolve("fail-build"), "");
        Run failed = launch(Map.of(), "--version");
        assertEquals(3, failed.exit, failed.toString());
        assertTrue(failed.err.contains("COMPILATION ERROR: A.java:[1,1] broken"), failed.err);
        assertTrue(failed.err.contains("lifeboat: build failed"), failed.err);
        try (var s = Files.list(repo)) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().startsWith("calls.java.")).toList(),
                    "no JVM was started");
        }
        assertEquals("", failed.out);
        assertTrue(new String(Files.readAllBytes(calls), StandardCharsets.UTF_8).contains("mvn -q -B -DskipTests"),
                "offline first, then online: " + mavenCalls());
    }
}
