package dev.saga.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import dev.saga.SagaClient;
import dev.saga.test.fixture.Effects;
import dev.saga.test.fixture.KitApplication;

/**
 * Histories recorded by an older version of the order saga, replayed against today's: the one it
 * still follows matches; one that reserved after shipping and one that took a {@code Sagas.patched}
 * branch the code no longer asks about fail with a diff. Yesterday's histories are today's export
 * edited as yesterday's code would have written it.
 */
@SpringBootTest(classes = KitApplication.class)
@SagaTest
class ReplayCheckTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    SagaTestKit sagas;

    @Autowired
    SagaClient client;

    @Autowired
    Effects effects;

    @TempDir
    Path histories;

    @Test
    void aHistoryTheCodeStillFollowsReplaysWithoutRunningAStep() throws Exception {
        var file = sagas.recordHistory(approvedOrder("r-same"), histories.resolve("today/order.json"));
        int calls = effects.noted("ship").size();

        var results = sagas.assertReplays(file.getParent().toUri() + "*.json");

        assertThat(results).singleElement().satisfies(result -> {
            assertThat(result.matches()).isTrue();
            assertThat(result.source()).isEqualTo("order.json");
            assertThat(result.stepsReplayed()).isEqualTo(4);
        });
        assertThat(effects.noted("ship")).as("no step ran").hasSize(calls);
    }

    @Test
    void aReorderedStepAndARemovedPatchFailTheCheckWithADiff() throws Exception {
        var recorded = (ObjectNode) JSON.readTree(sagas.exportHistory(approvedOrder("r-old")));
        var dir = Files.createDirectories(histories.resolve("yesterday"));
        Files.writeString(dir.resolve("reserved-after-shipping.json"),
                JSON.writeValueAsString(swapped(recorded, 1, 2)));
        Files.writeString(dir.resolve("express-patch.json"),
                JSON.writeValueAsString(patchedAt(recorded, 1, "express")));

        assertThatThrownBy(() -> sagas.assertReplays(dir.toUri() + "*.json"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("2 of 2 recorded histories")
                .hasMessageContaining("(reserved-after-shipping.json) diverges from its recorded history"
                        + " at sequence 1:\n"
                        + "  expected (recorded): STEP 'orderSteps.ship'\n"
                        + "  found (code today):  STEP 'orderSteps.reserve'")
                .hasMessageContaining("(express-patch.json) diverges from its recorded history at sequence 1:\n"
                        + "  expected (recorded): PATCH 'express'\n"
                        + "  found (code today):  STEP 'orderSteps.reserve'");
    }

    @Test
    void noHistoryAtTheLocationFailsRatherThanPassingUnseen() {
        assertThatThrownBy(() -> sagas.assertReplays(histories.toUri() + "none/*.json"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("No recorded histories found");
    }

    private java.util.UUID approvedOrder(String orderId) {
        var id = client.start("order", orderId);
        sagas.advance(Duration.ZERO);
        client.signal(id, "approve", "ok");
        sagas.advance(Duration.ZERO);
        assertThat(client.awaitResult(id, String.class, Duration.ofSeconds(5))).endsWith("/ok");
        return id;
    }

    /** The history with the entries at {@code a} and {@code b} in each other's place: steps run in another order. */
    private static ObjectNode swapped(ObjectNode history, int a, int b) {
        var copy = history.deepCopy();
        var entries = (ArrayNode) copy.get("entries");
        var first = (ObjectNode) entries.get(a).deepCopy();
        var second = (ObjectNode) entries.get(b).deepCopy();
        first.put("seq", b);
        second.put("seq", a);
        entries.set(a, second);
        entries.set(b, first);
        return copy;
    }

    /** The history of code that asked {@code Sagas.patched(changeId)} at {@code seq} and took the new branch. */
    private static ObjectNode patchedAt(ObjectNode history, int seq, String changeId) {
        var copy = history.deepCopy();
        var entries = (ArrayNode) copy.get("entries");
        var patch = ((ObjectNode) entries.get(seq).deepCopy());
        patch.removeAll();
        patch.put("seq", seq).put("kind", "PATCH").put("name", changeId).put("status", "COMPLETED")
                .put("attemptCount", 1).put("startedAt", entries.get(seq).get("startedAt").asString())
                .put("finishedAt", entries.get(seq).get("startedAt").asString());
        entries.insert(seq, patch);
        for (int i = seq + 1; i < entries.size(); i++) {
            ((ObjectNode) entries.get(i)).put("seq", i);
        }
        return copy;
    }
}
