package dev.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;

import dev.saga.fixtures.CrashConfiguration;
import dev.saga.fixtures.Gate;
import dev.saga.internal.time.ClockCheck;
import dev.saga.testsupport.Ledger;
import dev.saga.testsupport.MovableClock;
import dev.saga.testsupport.TestEngine;

/**
 * One node's clock jumps back an hour while another's is right. Leases and due times come from
 * each node's clock, so the node that lags takes nothing from the other, and what it claims
 * looks expired to the other at once; fencing keeps every transactional step to one effect.
 */
class ClockJumpTests {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration JUMP = Duration.ofHours(-1);

    @Test
    void aNodeWhoseClockJumpedBackDoesNotTakeOverTheRunningSagaOfANodeWithTheRightTime() throws Exception {
        var gate = new Gate();
        try (var engine = new TestEngine()) {
            var right = node(engine, "node-right", gate, new MovableClock());
            var id = TestEngine.client(right).start("crash", "jump-1");
            assertThat(gate.awaitEntered()).as("node-right is inside step two").isTrue();
            var lagging = new MovableClock();
            var behind = node(engine, "node-behind", gate, lagging);
            var logger = (Logger) LoggerFactory.getLogger(ClockCheck.class);
            var warnings = new ListAppender<ILoggingEvent>();
            warnings.start();
            logger.addAppender(warnings); // before the jump: the node's own scheduled check may see it first
            lagging.advance(JUMP);
            var jdbc = TestEngine.jdbc(right);
            var ledger = Ledger.of(right);
            var leaseEnd = ledger.leaseEnd(id);
            try {
                var clockCheck = behind.getBean(ClockCheck.class);
                assertThat(clockCheck.check()).hasValueSatisfying(skew -> assertThat(skew)
                        .isBetween(JUMP.minusSeconds(5), JUMP.plusSeconds(5)));
                clockCheck.check();
                assertThat(warnings.list).extracting(ILoggingEvent::getFormattedMessage).as("warned once")
                        .containsExactly("The clock of this node is PT1H behind the database's clock (more than PT1S"
                                + " apart). Due times, leases and deadlines come from each node's own clock: a node"
                                + " behind has its running sagas taken over by the other nodes; a node ahead takes"
                                + " over theirs before their leases end and fires timers and deadlines early."
                                + " Synchronise the clocks of all nodes (NTP)");
                assertThat(right.getBean(ClockCheck.class).check()).hasValueSatisfying(skew -> assertThat(skew.abs())
                        .isLessThan(Duration.ofSeconds(1)));
            } finally {
                logger.detachAppender(warnings);
            }

            // three lease lengths pass while node-behind polls every 100 ms
            await().atMost(WAIT).until(() -> ledger.leaseEnd(id).isAfter(leaseEnd.plusSeconds(3)));
            assertThat(TestEngine.dispatcher(behind).lastSuccessfulPoll()).isAfter(Instant.now().minusSeconds(1));
            assertThat(ledger.outbox(id).orElseThrow().claimedBy()).as("still node-right's").isEqualTo("node-right");
            gate.release();

            assertThat(TestEngine.client(right).awaitResult(id, String.class, WAIT))
                    .isEqualTo("one@node-right,two@node-right,three@node-right");
            assertThat(ledger.instance(id).fencing()).as("claimed once: nobody took it over").isEqualTo(1L);
            assertThat(jdbc.queryForObject("select count(*) from test_effect where saga_key = 'jump-1'",
                    Integer.class)).isEqualTo(3);
        }
    }

    @Test
    void sagasStartedOnBothNodesAllFinishWithEachTransactionalStepTakingEffectOnce() {
        var gate = new Gate();
        gate.release();
        try (var engine = new TestEngine()) {
            var lagging = new MovableClock();
            var nodes = List.of(node(engine, "node-right", gate, new MovableClock()),
                    node(engine, "node-behind", gate, lagging));
            lagging.advance(JUMP);
            var ids = new ArrayList<UUID>();
            for (int i = 0; i < 60; i++) {
                ids.add(TestEngine.client(nodes.get(i % 2)).start("crash", "both-" + i));
            }

            var jdbc = TestEngine.jdbc(nodes.get(0));
            var ledger = Ledger.of(nodes.get(0));
            await().atMost(WAIT).until(() -> ledger.instances(SagaStatus.COMPLETED) == 60);

            assertThat(jdbc.queryForObject("select count(*) from test_effect", Integer.class)).isEqualTo(180);
            assertThat(jdbc.queryForObject("select count(*) from (select saga_key, step from test_effect"
                    + " group by saga_key, step having count(*) > 1) repeated", Integer.class))
                    .as("no step took effect twice").isZero();
            assertThat(ledger.outboxRows()).isZero();
            assertThat(ledger.instances(SagaStatus.PARKED))
                    .as("takeovers of node-behind's claims stay under max-recovery-attempts").isZero();
        }
    }

    private static ConfigurableApplicationContext node(TestEngine engine, String name, Gate gate, MovableClock clock) {
        return engine.startNode(List.of(CrashConfiguration.class), List.of("saga.dispatcher.node-id=" + name,
                "saga.dispatcher.lease=1s", "saga.dispatcher.worker-threads=4"), context -> {
                    context.getBeanFactory().registerSingleton("gate", gate);
                    context.getBeanFactory().registerSingleton("sagaClock", clock.asSagaClock());
                });
    }
}
