package dev.saga.chaos;

import java.util.concurrent.ThreadLocalRandom;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.saga.Sagas;

/**
 * Writes what steps and compensations did, and injects transient failures after the write, so
 * that a transactional effect must roll back and a non-transactional one is repeated with the
 * same idempotency key.
 */
@Component
public class Effects {

    private final JdbcTemplate jdbc;
    private final String node;
    private final double failureRate;

    public Effects(JdbcTemplate jdbc, @Value("${saga.dispatcher.node-id}") String node,
            @Value("${chaos.failure-rate}") double failureRate) {
        this.jdbc = jdbc;
        this.node = node;
        this.failureRate = failureRate;
    }

    /** In a transactional step: the row commits with the step's ledger record, or not at all. */
    public void transactional(String step) {
        jdbc.update("insert into chaos_effect (saga_id, step, node) values (?, ?, ?)", Sagas.sagaId(), step, node);
        maybeFail(step);
    }

    /** In a non-transactional step: autocommitted at once, like a call to another system. */
    public void external(String step) {
        jdbc.update("insert into chaos_external (saga_id, step, idem_key, node) values (?, ?, ?, ?)", Sagas.sagaId(),
                step, Sagas.idempotencyKey(), node);
        maybeFail(step);
    }

    /** In a compensation, transactional or not. */
    public void compensated(String step, boolean transactional) {
        jdbc.update("insert into chaos_compensation (saga_id, step, idem_key, transactional, node)"
                + " values (?, ?, ?, ?, ?)", Sagas.sagaId(), step, Sagas.idempotencyKeyOfCompensatedStep(),
                transactional, node);
        maybeFail("undo of " + step);
    }

    private void maybeFail(String what) {
        if (ThreadLocalRandom.current().nextDouble() < failureRate) {
            throw new TransientFailure(what);
        }
    }
}
