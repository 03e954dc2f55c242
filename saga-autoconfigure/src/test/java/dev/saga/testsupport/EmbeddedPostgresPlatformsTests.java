package dev.saga.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The tests start their own PostgreSQL on every platform we support: the resolved dependencies hold
 * the server binaries of each (zonky's archive names), not only of the machine that built them.
 */
class EmbeddedPostgresPlatformsTests {

    private static final List<String> ARCHIVES = List.of("postgres-linux-x86_64.txz", "postgres-linux-arm_64.txz",
            "postgres-darwin-x86_64.txz", "postgres-darwin-arm_64.txz", "postgres-windows-x86_64.txz");

    @Test
    void theClasspathHoldsThePostgresBinariesOfEverySupportedPlatform() {
        var loader = getClass().getClassLoader();

        assertThat(ARCHIVES).allSatisfy(archive -> assertThat(loader.getResource(archive)).as(archive).isNotNull());
    }
}
