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
 */
class NoDeleteTest {

    private static final Pattern FORBIDDEN = Pattern.compile(
            "(?i).*(delete|putobjectretention|putobjectlockconfiguration|putbucketlifecycle|putobjectlegalhold|putbucketpolicy).*");

    @Test
    void mainCodeCallsNoS3DeleteApi() {
        JavaClasses classes = MainClasses.load();
        DescribedPredicate<JavaAccess<?>> deleting = new DescribedPredicate<>("an S3 delete or retention-changing API") {
            @Override
            public boolean test(JavaAccess<?> access) {
                String owner = access.getTargetOwner().getName();
                return owner.startsWith("software.amazon.awssdk.services.s3")
                        && (FORBIDDEN.matcher(access.getName()).matches() || FORBIDDEN.matcher(owner).matches());
            }
        };
        noClasses().should().accessTargetWhere(deleting).check(classes);
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
