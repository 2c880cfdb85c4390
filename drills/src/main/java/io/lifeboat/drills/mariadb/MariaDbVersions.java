package io.lifeboat.drills.mariadb;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Comparing the version a backup came from with the sandbox server's. */
final class MariaDbVersions {

    private static final Pattern VERSION = Pattern.compile("^\\s*(\\d+)\\.(\\d+)");

    private MariaDbVersions() {
    }

    /**
     * Adds a warning when the sandbox's server is an older major.minor than the source's: a dump
     * may use syntax or features the older server lacks, which is not the backup's fault.
     */
    static void warnIfOlder(String sourceVersion, String sandboxVersion, String where, List<String> warnings) {
        Optional<int[]> source = parse(sourceVersion);
        Optional<int[]> sandbox = parse(sandboxVersion);
        if (source.isEmpty() || sandbox.isEmpty()) {
            return;
        }
        int[] a = source.get();
        int[] b = sandbox.get();
        if (a[0] > b[0] || (a[0] == b[0] && a[1] > b[1])) {
            warnings.add("the backup is from " + sourceVersion + " but " + where + " runs " + sandboxVersion
                    + "; restoring into an older server may fail for reasons that are not the backup's");
        }
    }

    static Optional<int[]> parse(String version) {
        if (version == null) {
            return Optional.empty();
        }
        Matcher m = VERSION.matcher(version);
        return m.find() ? Optional.of(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))})
                : Optional.empty();
    }
}
