package io.lifeboat.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeboat.credentials.CallerAccounts;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The separate-account rule on account ids as AWS reports them (Ceph RGW has no account ids, so
 * RgwAuditTest only sees the "unknown" case).
 */
class AuditorAccountTest {

    static Finding finding(Optional<String> roleArn, Optional<CallerAccounts.Answer> source) {
        List<Finding> findings = new ArrayList<>();
        Auditor.findings(new Auditor.Checks("writer", findings), roleArn, source);
        assertEquals(1, findings.size());
        return findings.get(0);
    }

    @Test
    void aRoleInTheSourcesOwnAccountFails() {
        Finding f = finding(Optional.of("arn:aws:iam::111111111111:role/lifeboat-writer"),
                Optional.of(new CallerAccounts.Answer(Optional.of("111111111111"), "STS GetCallerIdentity")));
        assertEquals(Finding.Status.FAIL, f.status());
        assertTrue(f.reason().contains("same as the credential that assumes it"), f.reason());
    }

    @Test
    void aRoleInAnotherAccountPasses() {
        Finding f = finding(Optional.of("arn:aws:iam::222222222222:role/lifeboat-writer"),
                Optional.of(new CallerAccounts.Answer(Optional.of("111111111111"), "STS GetCallerIdentity")));
        assertEquals(Finding.Status.PASS, f.status());
    }

    @Test
    void anUnknownAccountWarns() {
        Finding f = finding(Optional.of("arn:aws:iam::222222222222:role/lifeboat-writer"),
                Optional.of(new CallerAccounts.Answer(Optional.empty(), "STS GetCallerIdentity answered HTTP 405")));
        assertEquals(Finding.Status.WARN, f.status());
        assertTrue(f.reason().contains("405"), f.reason());
        assertEquals(Finding.Status.WARN, finding(Optional.empty(), Optional.empty()).status());
    }
}
