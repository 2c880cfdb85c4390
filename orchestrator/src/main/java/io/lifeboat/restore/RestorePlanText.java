package io.lifeboat.restore;

import io.lifeboat.drills.Durations;
import io.lifeboat.drills.Sizes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@link RestorePlan} as a person reads it (text) and as a program reads it (a JSON-ready map). */
public final class RestorePlanText {
    private RestorePlanText() {
    }

    public static String text(RestorePlan p) {
        StringBuilder s = new StringBuilder();
        s.append("======== lifeboat restore ").append(p.source()).append(": PLAN (nothing has been changed) ========\n");
        RestorePlan.BackupFacts b = p.backup();
        s.append("backup    ").append(b.id()).append(", taken ").append(b.takenAt()).append(" (")
                .append(Durations.describe(b.age())).append(" ago), ").append(Sizes.describe(b.storedBytes()))
                .append(" stored, sha256 ").append(b.sha256()).append('\n');
        s.append("drilled   ").append(b.lastDrill()).append('\n');
        s.append("where     ").append(p.where()).append(", database ").append(p.database()).append('\n');
        if (p.replaces()) {
            var e = p.existing().orElseThrow();
            s.append("existing  ").append(e.name()).append(": ").append(Sizes.describe(e.bytes())).append(", ")
                    .append(e.tables()).append(" tables — it will be REPLACED, not dropped:\n")
                    .append("          the backup is restored into a new database ").append(p.restoreInto())
                    .append(" and checked;\n          then, in one step, ").append(e.name()).append(" is renamed to ")
                    .append(p.keepOldAs().orElseThrow()).append(" (kept, with all its data) and ").append(p.restoreInto())
                    .append(" to ").append(e.name()).append(".\n          Its sessions are ended just before the swap.\n");
        } else {
            s.append("existing  nothing: ").append(p.database()).append(" does not exist and is created new\n");
        }
        s.append("duration  ").append(p.expectedDuration().map(Durations::describe).map(d -> d + " (" + p.expectedBasis() + ")")
                .orElse(p.expectedBasis())).append('\n');
        s.append("first     the whole backup is read and its SHA-256 verified before the server is touched\n");
        for (RestorePlan.PlannedCheck c : p.checks()) {
            s.append("check     ").append(c.description()).append('\n');
        }
        s.append("owners    ").append(p.ownershipNote()).append('\n');
        s.append("on error  the new database is dropped; ").append(p.existing().map(e -> e.name() + " stays as it is")
                .orElse("nothing else is touched")).append('\n');
        s.append("gate      ").append(p.gate().configName()).append(": ").append(switch (p.gate()) {
            case TTY -> "--apply asks the person at this terminal for the database name and a one-time code";
            case APPROVAL -> "--apply creates a request; its code goes to the alert webhook; another OS user approves it";
        }).append('\n');
        p.warnings().forEach(w -> s.append("warning   ").append(w).append('\n'));
        return s.toString();
    }

    public static Map<String, Object> json(RestorePlan p) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("source", p.source());
        Map<String, Object> backup = new LinkedHashMap<>();
        backup.put("id", p.backup().id());
        backup.put("taken_at", p.backup().takenAt().toString());
        backup.put("age_seconds", p.backup().age().toMillis() / 1000.0);
        backup.put("stored_bytes", p.backup().storedBytes());
        backup.put("sha256", p.backup().sha256());
        backup.put("last_drill", p.backup().lastDrill());
        doc.put("backup", backup);
        Map<String, Object> target = new LinkedHashMap<>();
        target.put("server", p.where());
        target.put("host", p.host());
        target.put("port", p.port());
        target.put("database", p.database());
        target.put("restore_into", p.restoreInto());
        doc.put("target", target);
        doc.put("existing", p.existing().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("database", e.name());
            m.put("bytes", e.bytes());
            m.put("tables", e.tables());
            return (Object) m;
        }).orElse(null));
        doc.put("replace", p.replaces());
        doc.put("kept_as", p.keepOldAs().orElse(null));
        doc.put("dropped", List.of());
        doc.put("expected_seconds", p.expectedDuration().map(d -> d.toMillis() / 1000.0).orElse(null));
        doc.put("expected_basis", p.expectedBasis());
        List<String> checks = new ArrayList<>();
        p.checks().forEach(c -> checks.add(c.description()));
        doc.put("checks", checks);
        doc.put("ownership", switch (p.ownership()) {
            case AS_IN_BACKUP -> "as_in_backup";
            case RESTORING_USER -> "restoring_user";
        });
        doc.put("ownership_note", p.ownershipNote());
        doc.put("gate", p.gate().configName());
        doc.put("planned_at", p.plannedAt().toString());
        doc.put("warnings", p.warnings());
        return doc;
    }
}
