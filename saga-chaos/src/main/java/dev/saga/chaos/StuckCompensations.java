package dev.saga.chaos;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import dev.saga.Sagas;

/**
 * Decides whether a compensation gets stuck: the first {@code chaos.stuck-compensations} runs of it
 * per saga do. Each stuck run is recorded in {@code chaos_stuck} in a transaction of its own (the
 * compensation's rolls back), so the count survives the saga moving to another node. A node that
 * dies between that record and the saga's FAILED status leaves one stuck run uncounted by the
 * engine: that saga then fails fewer times, never more.
 */
@Component
public class StuckCompensations {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate ownTransaction;
    private final int times;

    public StuckCompensations(JdbcTemplate jdbc, PlatformTransactionManager transactionManager,
            @Value("${chaos.stuck-compensations}") int times) {
        this.jdbc = jdbc;
        this.ownTransaction = new TransactionTemplate(transactionManager);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.times = times;
    }

    /** Throws {@link StuckCompensation} if this saga's compensation has been stuck fewer times than configured. */
    public void failIfStuck(String key) {
        if (times <= 0) {
            return;
        }
        var sagaId = Sagas.sagaId();
        Integer stuckBefore = ownTransaction.execute(status -> {
            int before = jdbc.queryForObject("select count(*) from chaos_stuck where saga_id = ?", Integer.class, sagaId);
            if (before < times) {
                jdbc.update("insert into chaos_stuck (saga_id) values (?)", sagaId);
            }
            return before;
        });
        if (stuckBefore < times) {
            throw new StuckCompensation(key, stuckBefore + 1);
        }
    }
}
