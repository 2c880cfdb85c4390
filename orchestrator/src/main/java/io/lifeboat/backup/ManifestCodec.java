package io.lifeboat.backup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Manifest to and from JSON; sorted keys and ISO-8601 times so manifests diff cleanly. */
public final class ManifestCodec {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            // Newer lifeboat versions may add fields; an older reader still understands the rest.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ManifestCodec() {
    }

    public static byte[] toJson(Manifest m) {
        try {
            return (MAPPER.writeValueAsString(m) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("manifest not serializable: " + e.getMessage(), e);
        }
    }

    /** Parses a manifest; a malformed one is an IOException whose message says what is wrong. */
    public static Manifest fromJson(byte[] json) throws IOException {
        Manifest m = MAPPER.readValue(json, Manifest.class);
        if (m.manifestVersion() < 1 || m.sha256() == null || m.objectKey() == null || m.backupId() == null) {
            throw new IOException("manifest lacks manifest_version, backup_id, object_key or sha256");
        }
        return m;
    }
}
