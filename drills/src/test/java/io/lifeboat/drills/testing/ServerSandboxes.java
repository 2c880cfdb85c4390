package io.lifeboat.drills.testing;

import io.lifeboat.drills.postgres.PrivatePostgresCluster;
import io.lifeboat.drills.sandbox.SandboxServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A {@link TestClusters} TCP server playing a declared sandbox server, and looks at what drills left on it. */
public final class ServerSandboxes {

    private ServerSandboxes() {
    }

    /**
     * Declares {@code cluster} as sandbox server "test-sandbox" at 127.0.0.1, its superuser's
     * password in a 0600 file in {@code secretsDir}.
     */
    public static SandboxServer declare(PrivatePostgresCluster cluster, Path secretsDir) throws IOException {
        Path file = secretsDir.resolve("sandbox-password-" + cluster.port());
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, password(cluster) + "\n");
        return new SandboxServer("test-sandbox", "127.0.0.1", cluster.tcpPort().orElseThrow(),
                PrivatePostgresCluster.SUPERUSER, Optional.of(file), "disable");
    }

    /** The cluster's generated superuser password. */
    public static String password(PrivatePostgresCluster cluster) {
        return cluster.jdbcProperties().getProperty("password");
    }

    /** Databases on the cluster whose names start with lifeboat_drill_, sorted. */
    public static List<String> throwawayDatabases(PrivatePostgresCluster cluster) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = cluster.connect("postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE 'lifeboat\\_drill\\_%'"
                     + " ORDER BY 1")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    /** A port on 127.0.0.1 nothing listens on (free a moment ago). */
    public static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
