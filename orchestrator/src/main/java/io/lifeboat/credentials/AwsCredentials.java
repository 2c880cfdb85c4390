package io.lifeboat.credentials;

import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.config.AssumeRoleConfig;
import io.lifeboat.config.CredentialsConfig;
import io.lifeboat.config.TargetConfig;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a {@link CredentialsConfig} into an AWS credentials provider, refusing files that other
 * users could read or change.
 *
 * <p>Every problem found here is a configuration problem ({@link ExitCode#USAGE}); messages name
 * the file and the profile and never contain key material.
 */
public final class AwsCredentials {

    static final String DEFAULT_PROFILE = "default";

    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private AwsCredentials() {
    }

    /**
     * The provider for one credential:
     * <ul>
     *   <li>neither profile nor file set: the AWS default chain (environment, web identity,
     *       container or instance role, ...), resolved lazily by the SDK;</li>
     *   <li>otherwise profile {@code profile} (default {@code default}) of the shared credentials
     *       file {@code credentials_file} (default {@code ~/.aws/credentials}). The file is checked
     *       and parsed now, so a bad file fails at start-up with exit code 2, not mid-backup.</li>
     * </ul>
     * This is the source credential as it is; {@link #provider(CredentialsConfig, TargetConfig, Side)}
     * adds role assumption.
     *
     * @throws LifeboatException (exit code 2) if the file is missing, readable or writable by
     *                           group or others, unparseable, or lacks the profile or its keys
     */
    public static AwsCredentialsProvider provider(CredentialsConfig config) {
        return base(config);
    }

    /**
     * The credential {@code side} uses for {@code target}: the source credential of
     * {@link #provider(CredentialsConfig)}, or, when {@code config} names a role, that role's
     * temporary credentials assumed from it (session named {@code lifeboat-<side>-<target>},
     * narrowed to the target's bucket and prefix if {@code session_policy: prefix}).
     */
    public static AwsCredentialsProvider provider(CredentialsConfig config, TargetConfig target, Side side) {
        AwsCredentialsProvider source = base(config);
        if (config.assumeRole().isEmpty()) {
            return source;
        }
        AssumeRoleConfig role = config.assumeRole().get();
        String sessionName = ("lifeboat-" + side.name().toLowerCase(Locale.ROOT) + "-" + target.name());
        Optional<String> policy = role.sessionPolicy() == AssumeRoleConfig.SessionPolicy.PREFIX
                ? Optional.of(SessionPolicies.forTarget(side, SessionPolicies.partitionOf(role.roleArn()), target.bucket(), target.prefix()))
                : Optional.empty();
        return new AssumedRoleCredentials(role, source, target.region(),
                sessionName.substring(0, Math.min(64, sessionName.length())), policy);
    }

    private static AwsCredentialsProvider base(CredentialsConfig config) {
        if (config.profile().isEmpty() && config.credentialsFile().isEmpty()) {
            return DefaultCredentialsProvider.builder().build();
        }
        Path file = config.credentialsFile().orElseGet(AwsCredentials::defaultCredentialsFile);
        String profileName = config.profile().orElse(DEFAULT_PROFILE);
        return fromProfile(file, profileName);
    }

    static Path defaultCredentialsFile() {
        return Path.of(System.getProperty("user.home"), ".aws", "credentials");
    }

    private static AwsCredentialsProvider fromProfile(Path file, String profileName) {
        requirePrivate(file, profileName);
        ProfileFile profiles;
        try {
            profiles = ProfileFile.builder().content(file).type(ProfileFile.Type.CREDENTIALS).build();
        } catch (RuntimeException e) {
            // The SDK's parse errors name a line number, never the line's content.
            throw usage("could not read AWS credentials file " + file + ": " + e.getMessage(), e);
        }
        Profile profile = profiles.profile(profileName).orElseThrow(() -> usage("profile [" + profileName
                + "] not found in AWS credentials file " + file + "; profiles there: "
                + new TreeSet<>(profiles.profiles().keySet()), null));
        ProfileCredentialsProvider provider = ProfileCredentialsProvider.builder()
                .profileFile(profiles)
                .profileName(profileName)
                .build();
        // Static keys resolve without any network call, so check them now. Profiles that assume
        // a role or run a process resolve on first use instead.
        if (profile.property("aws_access_key_id").isPresent() || profile.property("aws_secret_access_key").isPresent()) {
            try {
                provider.resolveCredentials();
            } catch (SdkException e) {
                throw usage("profile [" + profileName + "] in AWS credentials file " + file
                        + " does not hold a usable key pair (it needs aws_access_key_id and aws_secret_access_key): "
                        + e.getMessage(), e);
            }
        }
        return provider;
    }

    /**
     * Refuses a credentials file that group or others may read or write, as OpenSSH refuses such
     * private keys: a backup writer's key must not be readable by every process on the host.
     */
    private static void requirePrivate(Path file, String profileName) {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (NoSuchFileException e) {
            throw usage("AWS credentials file " + file + " (wanted for profile [" + profileName + "]) does not exist", e);
        } catch (UnsupportedOperationException e) {
            return; // no POSIX permissions on this file system: nothing to check
        } catch (IOException e) {
            throw usage("could not read the permissions of AWS credentials file " + file + ": " + e, e);
        }
        Set<PosixFilePermission> loose = EnumSet.copyOf(GROUP_OR_OTHERS);
        loose.retainAll(permissions);
        if (!loose.isEmpty()) {
            throw usage("AWS credentials file " + file + " is accessible by group or others (mode "
                    + octal(permissions) + "), so other users on this host could use or change the backup credential; "
                    + "lifeboat refuses it. Fix with: chmod 600 " + file, null);
        }
    }

    private static String octal(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= 1 << (8 - p.ordinal());
        }
        return String.format("%04o", mode);
    }

    private static LifeboatException usage(String message, Throwable cause) {
        return cause == null ? new LifeboatException(ExitCode.USAGE, message)
                : new LifeboatException(ExitCode.USAGE, message, cause);
    }
}
