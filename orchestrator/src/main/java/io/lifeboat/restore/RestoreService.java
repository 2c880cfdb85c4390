package io.lifeboat.restore;

import io.lifeboat.Application;
import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.alert.WebhookAlerter;
import io.lifeboat.config.LifeboatConfig;
import io.lifeboat.config.RestorePolicy;
import io.lifeboat.config.SourceConfig;
import io.lifeboat.drills.Outcome;
import io.lifeboat.drills.process.PrivateFiles;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The three ways into a restore, each recorded in the {@link RestoreJournal} step by step:
 * a plan (changes nothing), {@code --apply} through the source's gate, and the approval of a
 * pending request by another OS user.
 */
public final class RestoreService {

    private final Application app;
    private final Consumer<String> warnings;

    /**
     * @param warnings told when the catalog cannot be opened and the steps go to the state
     *                 directory's JSON-lines journal instead
     */
    public RestoreService(Application app, Consumer<String> warnings) {
        this.app = app;
        this.warnings = warnings;
    }

    public RestorePlan plan(LifeboatConfig config, RestoreAsk ask) {
        return new RestorePlanner(app).plan(config, ask, app.clock().instant());
    }

    /**
     * The {@code tty} gate: plan, code and questions on the controlling terminal; the restore only
     * when the person typed both right.
     *
     * @throws LifeboatException exit 2 without a terminal or with a wrong answer; nothing changed
     */
    public RestoreResult applyAtTerminal(LifeboatConfig config, RestorePlan plan) {
        RestoreJournal journal = app.restoreJournal(config, warnings);
        String runId = "tty-" + plan.plannedAt().toString().replace(":", "");
        TerminalGate tty;
        try {
            tty = TerminalGate.open("lifeboat restore --apply", ", or set restore_gate: approval on source " + plan.source()
                    + " so that a request can be approved by another user");
        } catch (LifeboatException e) {
            record(journal, RestoreJournal.Event.REFUSED, runId, plan, "no controlling terminal: a person must run --apply");
            throw e;
        }
        try (tty) {
            Optional<String> refusal = tty.confirm(RestorePlanText.text(plan), plan.database(), OneTimeCode.generate());
            if (refusal.isPresent()) {
                record(journal, RestoreJournal.Event.REFUSED, runId, plan, refusal.get());
                tty.say("refused: " + refusal.get() + "; nothing was changed");
                throw new LifeboatException(ExitCode.USAGE, "restore of " + plan.source() + " refused at the terminal: "
                        + refusal.get() + ". Nothing was changed.");
            }
            record(journal, RestoreJournal.Event.CONFIRMED, runId, plan, "confirmed at the terminal");
            tty.say("confirmed: verifying backup " + plan.backup().id() + ", then restoring into " + plan.restoreInto() + " ...");
            return executeAndRecord(config, plan, journal, runId);
        }
    }

    /**
     * The {@code approval} gate: a pending request whose code goes only to the alert webhook.
     *
     * @throws LifeboatException exit 2 when no webhook is configured (the code would have nowhere
     *                           to go), exit 3 when it could not be sent (the request is closed)
     */
    public ApprovalRequests.Created request(LifeboatConfig config, RestorePlan plan, RestoreAsk ask) {
        SourceConfig source = config.source(plan.source());
        var alerts = config.alerts().orElseThrow(() -> new LifeboatException(ExitCode.USAGE, "source " + source.name()
                + " has restore_gate: approval, which sends the one-time code through the alert webhook, but "
                + config.file() + " has no alerts: section"));
        RestoreJournal journal = app.restoreJournal(config, warnings);
        OsUser me = OsUser.current();
        Instant now = app.clock().instant();
        ApprovalRequests requests = new ApprovalRequests(config.stateDir());
        ApprovalRequests.Created created = requests.create(plan, ask, me, now, source.restore().requestExpiry());
        ApprovalRequest r = created.request();
        record(journal, RestoreJournal.Event.REQUESTED, r.id(), plan, "requested by " + me.name() + " (uid " + me.uid()
                + "), expires " + r.expiresAt() + ", file " + created.file());
        String text = ":rotating_light: lifeboat restore of *" + plan.source() + "* requested by " + me.name() + " (uid "
                + me.uid() + "): backup " + plan.backup().id() + " into database " + plan.database() + " on " + plan.where()
                + plan.keepOldAs().map(k -> " (REPLACES it; the existing database is kept as " + k + ")").orElse("")
                + ". To approve, a different OS user runs: lifeboat restore approve " + r.id() + " and types the code "
                + created.code() + " when asked"
                + " (expires " + r.expiresAt() + ")";
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("request", r.id());
        fields.put("source", plan.source());
        fields.put("database", plan.database());
        fields.put("expires_at", r.expiresAt().toString());
        fields.put("code", created.code());
        try {
            WebhookAlerter.of(alerts).sendMessage(text, fields);
        } catch (WebhookAlerter.AlertFailedException | PrivateFiles.UnsafeFileException | IllegalArgumentException e) {
            requests.close(r.id(), "CANCELLED: the code could not be sent");
            record(journal, RestoreJournal.Event.REFUSED, r.id(), plan, "the code could not be sent: " + e.getMessage());
            throw new LifeboatException(ExitCode.INCOMPLETE, "restore request " + r.id() + " cancelled: its code could not"
                    + " be sent to the alert webhook (" + e.getMessage() + "). Nothing was changed.");
        }
        record(journal, RestoreJournal.Event.CODE_SENT, r.id(), plan, "code sent to the alert webhook");
        return created;
    }

    /**
     * Approves a pending request and executes it. Refused (exit 2, recorded) when the request
     * ended already, its file was not written by its requester, the approver is the requester,
     * it expired, or the code is wrong; every refusal but "same user" ends the request, so a code
     * gets one try.
     */
    public RestoreResult approve(LifeboatConfig config, String id, String code) {
        RestoreJournal journal = app.restoreJournal(config, warnings);
        ApprovalRequests requests = new ApprovalRequests(config.stateDir());
        ApprovalRequests.Loaded loaded = requests.load(id);
        ApprovalRequest r = loaded.request();
        OsUser me = OsUser.current();
        Instant now = app.clock().instant();
        if (loaded.closed().isPresent()) {
            throw refuse(journal, r, me, RestoreJournal.Event.REFUSED, "the request already ended (" + loaded.closed().get()
                    + "); a code works once", false, requests);
        }
        if (loaded.fileOwnerUid() != r.requesterUid()) {
            throw refuse(journal, r, me, RestoreJournal.Event.REFUSED, "the request file is owned by uid " + loaded.fileOwnerUid()
                    + " but names requester uid " + r.requesterUid() + "; it was not written by its requester", true, requests);
        }
        if (me.uid() == r.requesterUid()) {
            throw refuse(journal, r, me, RestoreJournal.Event.REFUSED, "the approver (" + me.name() + ", uid " + me.uid()
                    + ") is the requester; a different OS user must approve", false, requests);
        }
        if (now.isAfter(r.expiresAt())) {
            throw refuse(journal, r, me, RestoreJournal.Event.EXPIRED, "the request expired at " + r.expiresAt(), true, requests);
        }
        if (!OneTimeCode.matches(code, r.salt(), r.binding(), r.codeHash())) {
            throw refuse(journal, r, me, RestoreJournal.Event.REFUSED, "wrong code; the request is closed, ask again", true,
                    requests);
        }
        Optional<String> raced = requests.close(id, "APPROVED by " + me.name() + " (uid " + me.uid() + ") at " + now);
        if (raced.isPresent()) {
            throw refuse(journal, r, me, RestoreJournal.Event.REFUSED, "the request already ended (" + raced.get()
                    + "); a code works once", false, requests);
        }
        journal.record(new RestoreJournal.Entry(now, RestoreJournal.Event.APPROVED, r.id(), r.source(), r.backupId(),
                r.database(), me.uid(), me.name(), "approved; requested by " + r.requester() + " (uid " + r.requesterUid() + ")"));
        RestorePlan plan = new RestorePlanner(app).plan(config, r.ask(), r.plannedAt());
        if (!plan.database().equals(r.database())) {
            throw new IllegalStateException("re-planned database " + plan.database() + " differs from the request's " + r.database());
        }
        return executeAndRecord(config, plan, journal, r.id());
    }

    private LifeboatException refuse(RestoreJournal journal, ApprovalRequest r, OsUser me, RestoreJournal.Event event,
                                     String why, boolean close, ApprovalRequests requests) {
        if (close) {
            requests.close(r.id(), event + ": " + why);
        }
        journal.record(new RestoreJournal.Entry(app.clock().instant(), event, r.id(), r.source(), r.backupId(), r.database(),
                me.uid(), me.name(), why));
        return new LifeboatException(ExitCode.USAGE, "restore request " + r.id() + " refused: " + why + ". Nothing was changed.");
    }

    private RestoreResult executeAndRecord(LifeboatConfig config, RestorePlan plan, RestoreJournal journal, String id) {
        RestoreResult result = new RestoreExecutor(app).execute(config, plan);
        record(journal, result.outcome() == Outcome.PASSED ? RestoreJournal.Event.RESTORED : RestoreJournal.Event.RESTORE_FAILED,
                id, plan, result.outcome() + ": " + result.reason());
        return result;
    }

    private void record(RestoreJournal journal, RestoreJournal.Event event, String id, RestorePlan plan, String detail) {
        OsUser me = OsUser.current();
        journal.record(new RestoreJournal.Entry(app.clock().instant(), event, id, plan.source(), plan.backup().id(),
                plan.database(), me.uid(), me.name(), detail));
    }

    /** Whether {@code --apply} of this plan goes through the terminal. */
    public static boolean atTerminal(RestorePlan plan) {
        return plan.gate() == RestorePolicy.Gate.TTY;
    }
}
