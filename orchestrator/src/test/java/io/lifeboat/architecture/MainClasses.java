package io.lifeboat.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;

/**
 * lifeboat's main classes from both modules, wherever Maven put them: the drills module arrives
 * as {@code drills/target/classes} in {@code mvn test} and as a jar in {@code mvn verify}; its
 * test-jar and this module's test classes are left out.
 */
final class MainClasses {
    private MainClasses() {
    }

    static JavaClasses load() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(location -> !location.contains("/test-classes/") && !location.contains("-tests.jar"))
                .importPackages("io.lifeboat");
        if (classes.stream().noneMatch(c -> c.getPackageName().startsWith("io.lifeboat.drills"))
                || classes.stream().noneMatch(c -> c.getPackageName().startsWith("io.lifeboat.cli"))) {
            // Guard against a rule that passes because it saw no classes at all.
            throw new AssertionError("expected main classes of both modules on the test classpath, got " + classes.size());
        }
        return classes;
    }
}
