package io.lifeboat.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * Without a gateway, RGW tests fail (CI) or skip ({@code -Dlifeboat.requireAll=false}), never
 * pass, and the message says how to get one.
 */
class RgwExtensionRequireTest {

    static final RgwExtension.Started MISSING = new RgwExtension.Started(null, "Ceph RGW (radosgw) is not installed");

    @Test
    void missingGatewayFailsByDefault() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> RgwExtension.serverOrFail(MISSING, true));
        assertTrue(e.getMessage().contains("tools/prepare-test-machine.sh") && e.getMessage().contains("requireAll=false"), e.getMessage());
    }

    @Test
    void missingGatewaySkipsWhenAsked() {
        assertThrows(TestAbortedException.class, () -> RgwExtension.serverOrFail(MISSING, false));
    }
}
