package dev.saga.internal.client;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.saga.SagaClient;
import dev.saga.SagaPage;
import dev.saga.SagaQuery;
import dev.saga.SagaStepView;
import dev.saga.SagaView;
import dev.saga.SignalResult;
import dev.saga.StartOptions;

/** The {@link SagaClient}: starts, commands, reads and waits, each done by a class of its own. */
public final class DefaultSagaClient implements SagaClient {

    private final SagaStarter starter;
    private final SagaCommands commands;
    private final SagaReadModel sagas;
    private final ResultAwaiter awaiter;

    public DefaultSagaClient(SagaStarter starter, SagaCommands commands, SagaReadModel sagas, ResultAwaiter awaiter) {
        this.starter = starter;
        this.commands = commands;
        this.sagas = sagas;
        this.awaiter = awaiter;
    }

    @Override
    public UUID start(String sagaName, @Nullable Object input, @Nullable StartOptions options) {
        return starter.start(sagaName, input, options);
    }

    @Override
    public UUID start(Class<?> sagaClass, @Nullable Object input, @Nullable StartOptions options) {
        return starter.start(sagaClass, input, options);
    }

    @Override
    public SignalResult signal(UUID sagaId, String signalName, @Nullable Object payload) {
        return commands.signal(sagaId, signalName, payload);
    }

    @Override
    public SignalResult signal(String sagaName, String businessKey, String signalName,
            @Nullable Object payload) {
        return commands.signal(sagaName, businessKey, signalName, payload);
    }

    @Override
    public void cancel(UUID sagaId, @Nullable String reason) {
        commands.cancel(sagaId, reason);
    }

    @Override
    public void retry(UUID sagaId) {
        commands.retry(sagaId);
    }

    @Override
    public SagaPage list(SagaQuery query) {
        return sagas.list(query);
    }

    @Override
    public List<SagaStepView> timeline(UUID sagaId) {
        return sagas.timeline(sagaId);
    }

    @Override
    public Optional<SagaView> find(UUID sagaId) {
        return sagas.find(sagaId);
    }

    @Override
    public <T> @Nullable T awaitResult(UUID sagaId, Class<T> resultType, Duration timeout) {
        return awaiter.awaitResult(sagaId, resultType, timeout);
    }
}
