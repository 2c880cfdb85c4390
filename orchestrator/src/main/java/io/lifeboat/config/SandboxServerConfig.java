package io.lifeboat.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A database server that {@code sandbox: server} drills create their throwaway databases on. The
 * loader has checked that it is not the server of any configured source; the drill library
 * checks again before it restores.
 *
 * @param name         the key under {@code sandboxes:}
 * @param engine       engine name as registered ({@code postgres}); drills of sources of another
 *                     engine cannot use it
 * @param host         host name, address or socket directory
 * @param port         TCP port
 * @param user         login role; it needs the right to create and drop databases
 * @param passwordFile file holding the password alone on its first line; must not be readable by
 *                     group or others. Empty: no password.
 * @param sslMode      libpq sslmode
 * @param line         line of the server's key in the file
 */
public record SandboxServerConfig(
        String name,
        String engine,
        String host,
        int port,
        String user,
        Optional<Path> passwordFile,
        String sslMode,
        int line) {
}
