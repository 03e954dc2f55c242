package dev.saga;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Dependencies flow one way; a wrong import fails the build. */
class ArchitectureTests {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.saga");
    }

    @Test
    void publicApiDependsOnNothingOfTheEngine() {
        noClasses().that().resideInAPackage("dev.saga")
                .should().dependOnClassesThat().resideInAnyPackage("dev.saga.internal..", "dev.saga.autoconfigure..",
                        "dev.saga.actuate..", "dev.saga.metrics..")
                .check(classes);
    }

    @Test
    void actuatorAndMetricsSupportUseOnlyThePublicApiAndSpi() {
        noClasses().that().resideInAnyPackage("dev.saga.actuate..", "dev.saga.metrics..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.saga.internal..", "dev.saga.autoconfigure..")
                .check(classes);
    }

    @Test
    void engineInternalsDoNotKnowTheirSpringWiring() {
        noClasses().that().resideInAnyPackage("dev.saga.internal..", "dev.saga.spi..")
                .should().dependOnClassesThat().resideInAPackage("dev.saga.autoconfigure..")
                .check(classes);
    }

    @Test
    void enginePackagesHaveNoCycle() {
        slices().matching("dev.saga.internal.(*)..").should().beFreeOfCycles().check(classes);
        slices().matching("dev.saga.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void internalPackagesDependOnlyDownwards() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("autoconfigure").definedBy("dev.saga.autoconfigure..")
                .layer("dispatch").definedBy("dev.saga.internal.dispatch..")
                .layer("interception").definedBy("dev.saga.internal.interception..")
                .layer("client").definedBy("dev.saga.internal.client..")
                .layer("replay").definedBy("dev.saga.internal.replay..")
                .layer("compensation").definedBy("dev.saga.internal.compensation..")
                .layer("retry").definedBy("dev.saga.internal.retry..")
                .layer("node").definedBy("dev.saga.internal.node..")
                .layer("outbox").definedBy("dev.saga.internal.outbox..")
                .layer("ledger").definedBy("dev.saga.internal.ledger..")
                .layer("codec").definedBy("dev.saga.internal.codec..")
                .layer("determinism").definedBy("dev.saga.internal.determinism..")
                .layer("definition").definedBy("dev.saga.internal.definition..")
                .layer("time").definedBy("dev.saga.internal.time..")
                .layer("events").definedBy("dev.saga.internal.events..")
                .layer("retention").definedBy("dev.saga.internal.retention..")
                .whereLayer("autoconfigure").mayNotBeAccessedByAnyLayer()
                .whereLayer("dispatch").mayOnlyBeAccessedByLayers("autoconfigure")
                .whereLayer("interception").mayOnlyBeAccessedByLayers("autoconfigure")
                .whereLayer("client").mayOnlyBeAccessedByLayers("autoconfigure")
                .whereLayer("replay").mayOnlyBeAccessedByLayers("autoconfigure", "dispatch", "interception")
                .whereLayer("compensation").mayOnlyBeAccessedByLayers("autoconfigure", "replay")
                .whereLayer("retry").mayOnlyBeAccessedByLayers("autoconfigure", "replay", "compensation", "client")
                .whereLayer("node").mayOnlyBeAccessedByLayers("autoconfigure", "dispatch", "client")
                .whereLayer("outbox").mayOnlyBeAccessedByLayers("autoconfigure", "dispatch", "replay", "client")
                .whereLayer("ledger").mayOnlyBeAccessedByLayers("autoconfigure", "dispatch", "replay", "compensation",
                        "client", "outbox", "retention", "node")
                .whereLayer("codec").mayOnlyBeAccessedByLayers("autoconfigure", "replay", "compensation", "client",
                        "ledger", "events")
                .whereLayer("time").mayOnlyBeAccessedByLayers("autoconfigure", "dispatch", "client", "replay",
                        "compensation", "retention")
                .whereLayer("events").mayOnlyBeAccessedByLayers("autoconfigure", "client", "replay")
                .whereLayer("retention").mayOnlyBeAccessedByLayers("autoconfigure")
                .whereLayer("determinism").mayOnlyBeAccessedByLayers("autoconfigure")
                .check(classes);
    }
}
