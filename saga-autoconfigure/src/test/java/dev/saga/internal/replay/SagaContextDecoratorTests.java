package dev.saga.internal.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import dev.saga.internal.compensation.StepScopeContext;
import dev.saga.internal.time.SagaClock;
import dev.saga.spi.SagaContext;
import dev.saga.spi.SagaContextHolder;

/** The timed-step executor's decorator: the submitting thread's saga context and MDC, and nothing left behind. */
class SagaContextDecoratorTests {

    @AfterEach
    void clean() {
        SagaContextHolder.restore(null);
        MDC.clear();
    }

    @Test
    void theTaskSeesTheContextAndMdcOfTheThreadThatHandedItOver() {
        var step = StepScopeContext.ofStep(UUID.randomUUID(), 1, 4, SagaClock.system());
        SagaContextHolder.bind(step);
        MDC.put("sagaStep", "charge");
        var seen = new AtomicReference<SagaContext>();
        var seenStep = new AtomicReference<String>();
        var task = new SagaContextDecorator().decorate(() -> {
            seen.set(SagaContext.current().orElse(null));
            seenStep.set(MDC.get("sagaStep"));
        });
        clean(); // as on the thread that runs it

        task.run();

        assertThat(seen.get()).isSameAs(step);
        assertThat(seenStep.get()).isEqualTo("charge");
    }

    @Test
    void theRunningThreadGetsItsOwnContextAndMdcBack() {
        var task = new SagaContextDecorator().decorate(() -> {
        });
        var own = StepScopeContext.ofStep(UUID.randomUUID(), 1, 0, SagaClock.system());
        SagaContextHolder.bind(own);
        MDC.put("own", "yes");

        task.run();

        assertThat(SagaContext.current()).containsSame(own);
        assertThat(MDC.get("own")).isEqualTo("yes");
    }
}
