package io.lifeboat.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * lifeboat never deletes or overwrites a stored backup. This test fails if main code calls any
 * S3 API whose name says delete (DeleteObject, DeleteObjects, DeleteBucket..., or the request
 * builders for them) or changes retention/lock/lifecycle. AbortMultipartUpload is the one
 * removal allowed: it discards an upload that never became an object.
 *
 * <p>One narrow exception, for {@code lifeboat audit}: proving that a credential <em>cannot</em>
 * delete or change retention takes trying it. {@link #AUDIT_PROBES} allows those calls from
 * exactly two methods of {@code S3PermissionProbe} (and their lambdas), which refuse any key
 * outside {@code lifeboat-audit-probe/} and never send a version id, so in a versioned bucket a
 * permitted delete adds a delete marker to a probe object and destroys nothing. Any other caller,
 * including another method of that class, still fails this test.
 */
class NoDeleteTest {

    private static final Pattern FORBIDDEN = Pattern.compile(
            "(?i).*(delete|putobjectretention|putobjectlockconfiguration|putbucketlifecycle|putobjectlegalhold|putbucketpolicy).*");

    static final String AUDIT_PROBE_CLASS = "io.lifeboat.storage.s3.S3PermissionProbe";
    static final Pattern AUDIT_PROBES = Pattern.compile("(lambda\\$)?(deleteProbe|extendRetention)(\\$[0-9]+)?");

    @Test
    void mainCodeCallsNoS3DeleteApi() {
        JavaClasses classes = MainClasses.load();
        DescribedPredicate<JavaAccess<?>> deleting = new DescribedPredicate<>(
                "an S3 delete or retention-changing API, outside the audit's two probe methods") {
            @Override
            public boolean test(JavaAccess<?> access) {
                return forbidden(access) && !fromAuditProbe(access);
            }
        };
        noClasses().should().accessTargetWhere(deleting).check(classes);
    }

    @Test
    void theAuditExceptionIsUsedAndNoWider() {
        JavaClasses classes = MainClasses.load();
        long allowed = classes.stream().flatMap(c -> c.getAccessesFromSelf().stream())
                .filter(a -> forbidden(a) && fromAuditProbe(a)).count();
        org.junit.jupiter.api.Assertions.assertTrue(allowed > 0, "the audit probe no longer needs the exception: remove it");
        org.junit.jupiter.api.Assertions.assertFalse(AUDIT_PROBES.matcher("put").matches());
        org.junit.jupiter.api.Assertions.assertFalse(AUDIT_PROBES.matcher("deleteAll").matches());
    }

    static boolean forbidden(JavaAccess<?> access) {
        String owner = access.getTargetOwner().getName();
        return owner.startsWith("software.amazon.awssdk.services.s3")
                && (FORBIDDEN.matcher(access.getName()).matches() || FORBIDDEN.matcher(owner).matches());
    }

    static boolean fromAuditProbe(JavaAccess<?> access) {
        return access.getOriginOwner().getName().equals(AUDIT_PROBE_CLASS)
                && AUDIT_PROBES.matcher(access.getOrigin().getName()).matches();
    }

    @Test
    void theRuleItselfCatchesADeleteCall() {
        // The rule must be able to fail: import a class that does call DeleteObject.
        JavaClasses offender = new ClassFileImporter().importClasses(Offender.class);
        DescribedPredicate<JavaAccess<?>> deleting = new DescribedPredicate<>("delete") {
            @Override
            public boolean test(JavaAccess<?> access) {
                return access.getTargetOwner().getName().startsWith("software.amazon.awssdk.services.s3")
                        && FORBIDDEN.matcher(access.getName()).matches();
            }
        };
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> noClasses().should().accessTargetWhere(deleting).check(offender));
    }

    /** Never run; exists only to be imported by the self-test above. */
    static final class Offender {
        void remove(software.amazon.awssdk.services.s3.S3Client s3) {
            s3.deleteObject(b -> b.bucket("b").key("k"));
        }
    }
}
