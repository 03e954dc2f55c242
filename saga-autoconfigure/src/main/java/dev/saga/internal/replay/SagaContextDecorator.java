package dev.saga.internal.replay;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;
import org.springframework.core.task.TaskDecorator;

import dev.saga.spi.SagaContext;
import dev.saga.spi.SagaContextHolder;

/**
 * Carries the saga context and the MDC of the thread that hands a task over to the thread that
 * runs it, and gives that thread its own back afterwards: a timed step's attempt sees its saga and
 * step through {@code Sagas}, and logs with them.
 */
public final class SagaContextDecorator implements TaskDecorator {

    @Override
    public Runnable decorate(Runnable task) {
        var context = SagaContext.current().orElse(null);
        var mdc = MDC.getCopyOfContextMap();
        return () -> {
            var previousContext = SagaContextHolder.bind(context);
            var previousMdc = MDC.getCopyOfContextMap();
            setMdc(mdc);
            try {
                task.run();
            } finally {
                SagaContextHolder.restore(previousContext);
                setMdc(previousMdc);
            }
        };
    }

    private static void setMdc(@Nullable Map<String, String> mdc) {
        if (mdc == null) {
            MDC.clear();
        } else {
            MDC.setContextMap(mdc);
        }
    }
}
