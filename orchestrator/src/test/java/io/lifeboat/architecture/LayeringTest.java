package io.lifeboat.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering DESIGN.md promises, enforced on the compiled main classes of both modules:
 * drills never knows the orchestrator, only the CLI speaks picocli, and only the storage and
 * credentials packages touch the AWS SDK. Each rule fails with the offending dependency named.
 */
class LayeringTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = MainClasses.load();
    }

    @Test
    void drillsNeverDependsOnTheOrchestrator() {
        noClasses().that().resideInAPackage("io.lifeboat.drills..")
                .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("io.lifeboat..")
                        .and(DescribedPredicate.not(JavaClass.Predicates.resideInAPackage("io.lifeboat.drills.."))))
                .because("drills is a library the orchestrator uses, never the reverse")
                .check(classes);
    }

    @Test
    void onlyTheCliImportsPicocli() {
        noClasses().that().resideOutsideOfPackage("io.lifeboat.cli..")
                .should().dependOnClassesThat().resideInAPackage("picocli..")
                .check(classes);
    }

    @Test
    void onlyStorageAndCredentialsImportTheAwsSdk() {
        noClasses().that().resideOutsideOfPackages("io.lifeboat.storage..", "io.lifeboat.credentials..")
                .should().dependOnClassesThat().resideInAPackage("software.amazon.awssdk..")
                .check(classes);
    }

    @Test
    void onlyTheSchedulePackageImportsQuartz() {
        noClasses().that().resideOutsideOfPackage("io.lifeboat.schedule..")
                .should().dependOnClassesThat().resideInAPackage("org.quartz..")
                .because("cron parsing and the job store sit behind io.lifeboat.schedule (CronSchedule, LifeboatScheduler)")
                .check(classes);
    }

    @Test
    void theCatalogKnowsNothingOfTheCliOrTheScheduler() {
        noClasses().that().resideInAPackage("io.lifeboat.catalog..")
                .should().dependOnClassesThat().resideInAnyPackage("io.lifeboat.cli..", "io.lifeboat.schedule..",
                        "io.lifeboat.report..", "picocli..", "org.quartz..")
                .check(classes);
    }

    @Test
    void drillsKnowsNothingOfS3QuartzOrTheCli() {
        noClasses().that().resideInAPackage("io.lifeboat.drills..")
                .should().dependOnClassesThat().resideInAnyPackage("software.amazon.awssdk..", "org.quartz..", "picocli..")
                .check(classes);
    }
}
