package io.lifeboat.backup;

/** lifeboat's own version, from the jar manifest when packaged, else "dev". */
public final class Version {
    private Version() {
    }

    public static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
