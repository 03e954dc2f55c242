package dev.saga.chaos;

import java.util.Map;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.saga.SagaClient;
import dev.saga.SignalResult;
import dev.saga.StartOptions;

/**
 * How the orchestrator loads a node. Sagas are numbered; the number decides the kind and the
 * business key, so a batch sent again (its node died before answering) starts nothing twice.
 */
@RestController
public class LoadController {

    private final SagaClient sagas;
    private final String node;

    public LoadController(SagaClient sagas, @Value("${saga.dispatcher.node-id}") String node) {
        this.sagas = sagas;
        this.node = node;
    }

    /** The saga kind of saga number {@code n}: 8 in 20 transfer, 6 approval, 5 doomed, 1 recall. */
    public static String kind(int n) {
        if (n % 20 == 19) {
            return "recall";
        }
        int slot = n % 10;
        return slot < 4 ? "transfer" : slot < 7 ? "approval" : "doomed";
    }

    public static String businessKey(int n) {
        return String.format("k-%07d", n);
    }

    @GetMapping("/chaos/ping")
    public Map<String, String> ping() {
        return Map.of("node", node);
    }

    /** Starts sagas number {@code from} to {@code from + count - 1}, each in its own transaction. */
    @PostMapping("/chaos/start")
    public Map<String, Object> start(@RequestParam int from, @RequestParam int count) {
        for (int n = from; n < from + count; n++) {
            var key = businessKey(n);
            sagas.start(kind(n), new ChaosInput(key), StartOptions.businessKey(key));
        }
        return Map.of("node", node, "started", count);
    }

    /** Sends {@code approve} to the approval sagas among numbers {@code from} to {@code from + count - 1}. */
    @PostMapping("/chaos/approve")
    public Map<String, Object> approve(@RequestParam int from, @RequestParam int count) {
        int delivered = 0;
        int finished = 0;
        for (int n = from; n < from + count; n++) {
            if (kind(n).equals("approval")) {
                var key = businessKey(n);
                if (sagas.signal("approval", key, "approve", "approved-" + key) == SignalResult.DELIVERED) {
                    delivered++;
                } else {
                    finished++;
                }
            }
        }
        return Map.of("node", node, "delivered", delivered, "finished", finished);
    }
}
