package dev.saga.bench.starter;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.annotation.Import;

/** The application the saga cases start: the starter's auto-configuration and the sagas below. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ NoOpSteps.class, ThreeStepSaga.class, WaitingSaga.class, SagaCompletions.class })
public class BenchSagaApplication {
}
