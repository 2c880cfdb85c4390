package io.lifeboat.drills.sandbox;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The last check before a drill creates anything on a database server: the lesson of the agent
 * that "got the volume ID wrong" and restored over production. A sandbox provider that creates
 * databases on a shared server calls {@link #check} with the exact place it is about to use,
 * before it connects at all, and the guard refuses when
 * <ol>
 *   <li>host, port and database are those of a configured source ({@link #RULE_SOURCE});</li>
 *   <li>the database name lacks the drill prefix {@value #DATABASE_PREFIX} ({@link #RULE_PREFIX}),
 *       so that a drill can only ever create and drop databases that are recognisably its own;</li>
 *   <li>host and port are not those of a declared sandbox server ({@link #RULE_DECLARED}).</li>
 * </ol>
 * A refusal is a FAILED drill: a configuration that points a drill at production is the defect
 * to report.
 *
 * <p>Hosts are compared by what they are, not how they are spelled, and in doubt the guard
 * treats two spellings as the same host (refusing too much is safe, too little is not):
 * {@code localhost}, {@code 127.0.0.1}, {@code ::1}, any other loopback address, any address of
 * this machine's own interfaces and a Unix socket directory (a host starting with {@code /}) are
 * all "this machine"; other names are resolved to their addresses where DNS answers, and two
 * hosts match when they share an address or are spelled the same (case-insensitively).
 *
 * <p>Engine-neutral. Ephemeral sandboxes need no guard: they are private servers lifeboat just
 * created, reachable only through a socket in their own 0700 directory.
 */
public final class SandboxGuard {

    /** Every throwaway database a drill creates on a server starts with this. */
    public static final String DATABASE_PREFIX = "lifeboat_drill_";

    /** Rule names, as they appear in refusals. */
    public static final String RULE_SOURCE = "it matches a configured source";
    public static final String RULE_PREFIX = "its name lacks the drill prefix " + DATABASE_PREFIX;
    public static final String RULE_DECLARED = "it is not a declared sandbox server";

    /** What every local spelling of a host normalizes to. */
    private static final String THIS_MACHINE = "this machine";

    private final List<ProtectedDatabase> sources;
    private final List<SandboxServer> sandboxServers;

    /**
     * @param sources        every configured source's endpoint
     * @param sandboxServers every server declared under {@code sandboxes:}
     */
    public SandboxGuard(List<ProtectedDatabase> sources, List<SandboxServer> sandboxServers) {
        this.sources = List.copyOf(sources);
        this.sandboxServers = List.copyOf(sandboxServers);
    }

    /**
     * Accepts {@code host:port/database} as a place to create a throwaway database, or throws.
     *
     * @throws SandboxRefusedException naming the rule and the offending host, port and database
     */
    public void check(String host, int port, String database) throws SandboxRefusedException {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        String where = endpoint(host, port) + "/" + database;
        Set<String> identity = identify(host);
        for (ProtectedDatabase source : sources) {
            if (source.port() == port && source.database().equals(database) && sameHost(identity, source.host())) {
                throw refuse(where, RULE_SOURCE + " (source \"" + source.name() + "\" at "
                        + endpoint(source.host(), source.port()) + "/" + source.database() + ")");
            }
        }
        if (!database.startsWith(DATABASE_PREFIX)) {
            throw refuse(where, RULE_PREFIX + "; lifeboat only creates and drops databases named " + DATABASE_PREFIX + "…");
        }
        Optional<SandboxServer> declared = sandboxServers.stream()
                .filter(s -> s.port() == port && sameHost(identity, s.host()))
                .findFirst();
        if (declared.isEmpty()) {
            String known = sandboxServers.isEmpty() ? "no sandbox servers are declared"
                    : "declared: " + sandboxServers.stream().map(s -> s.name() + " at " + s.endpoint())
                    .collect(Collectors.joining(", "));
            throw refuse(where, RULE_DECLARED + " (" + known + ")");
        }
    }

    private static SandboxRefusedException refuse(String where, String rule) {
        return new SandboxRefusedException("sandbox guard refused to restore into " + where + ": " + rule);
    }

    private static boolean sameHost(Set<String> identity, String otherHost) {
        Set<String> other = identify(otherHost);
        return identity.stream().anyMatch(other::contains);
    }

    /**
     * The names a host goes by: its spelling, and each of its addresses, with every address of
     * this machine folded into one.
     */
    static Set<String> identify(String host) {
        Set<String> ids = new LinkedHashSet<>();
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.startsWith("/") || h.isEmpty()) {
            // a Unix socket directory: a server on this machine, whatever port it also has on TCP
            ids.add(THIS_MACHINE);
            return ids;
        }
        ids.add("name:" + h);
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            ids.add(THIS_MACHINE);
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(h)) {
                ids.add(isThisMachine(address) ? THIS_MACHINE : "address:" + address.getHostAddress());
            }
        } catch (UnknownHostException | SecurityException e) {
            // unresolvable now: only the spelling can match
        }
        return ids;
    }

    private static boolean isThisMachine(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    private static String endpoint(String host, int port) {
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }
}
