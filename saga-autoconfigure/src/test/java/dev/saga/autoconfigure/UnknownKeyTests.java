package dev.saga.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/**
 * A key under {@code saga.*} that names no setting fails startup, with the key meant; a misspelt
 * key would otherwise leave the default in force without a word. Binding alone, no database.
 */
class UnknownKeyTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(BindsSagaProperties.class);

    @Test
    void aMisspeltDefaultRetryKey() {
        assertThat(analysis("saga.retry.max-retry=5").getDescription())
                .contains("saga.retry.max-retry").contains("did you mean saga.retry.max-retries?");
    }

    @Test
    void aMisspeltTopLevelKeyAndOneUnderAnotherGroup() {
        var description = analysis("saga.max-payload=2MB", "saga.dispatcher.worker-thread=4").getDescription();

        assertThat(description).contains("these 2 keys")
                .contains("saga.max-payload").contains("did you mean saga.max-payload-size?")
                .contains("saga.dispatcher.worker-thread").contains("did you mean saga.dispatcher.worker-threads?");
    }

    @Test
    void aMisspeltGroupOfASagasRetryLayer() {
        assertThat(analysis("saga.sagas.order.retyr.delay=2s").getDescription())
                .contains("did you mean saga.sagas.order.retry.delay?");
    }

    @Test
    void aMisspeltKeyOfAStepLayerAlsoWhenTheStepIsNamedInFull() {
        assertThat(analysis("saga.sagas.order.steps.charge.max-retrys=2").getDescription())
                .contains("did you mean saga.sagas.order.steps.charge.max-retries?");
        assertThat(analysis("saga.sagas.order.steps.[shipping.charge].delai=1s").getDescription())
                .contains("did you mean saga.sagas.order.steps.[shipping.charge].delay?");
    }

    @Test
    void aKeyNearNothingIsListedWithoutAGuess() {
        var description = analysis("saga.completely-unrelated=1").getDescription();

        assertThat(description).contains("saga.completely-unrelated").doesNotContain("did you mean");
    }

    @Test
    void validKeysInEveryFormStillBind() {
        runner.withPropertyValues("saga.retry.max-retries=5", "saga.retry.maxRetries=5",
                "saga.sagas.order.retry.delay=2s", "saga.sagas.order.steps.[shipping.charge].max-retries=1",
                "saga.sagas.order.deadline=1h", "saga.dispatcher.node-id=n1", "saga.retention.failed=30d")
                .run(context -> assertThat(context).hasNotFailed()
                        .getBean(SagaProperties.class).extracting(properties -> properties.retry().maxRetries())
                        .isEqualTo(5));
    }

    @Test
    void everyKeyTheRecordsDeclareIsKnown() {
        assertThat(SagaPropertyKeys.all()).contains("saga.enabled", "saga.retry.max-retries",
                "saga.sagas.*.retry.includes", "saga.sagas.*.steps.*.timeout", "saga.sagas.*.deadline",
                "saga.dispatcher.shutdown-timeout", "saga.history.max-entries");
    }

    private FailureAnalysis analysis(String... properties) {
        var failure = new Throwable[1];
        runner.withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            failure[0] = context.getStartupFailure();
        });
        var analysis = new SagaPropertiesFailureAnalyzer().analyze(failure[0]);
        assertThat(analysis).as("analysed as unknown saga keys").isNotNull();
        return analysis;
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(SagaProperties.class)
    static class BindsSagaProperties {
    }
}
