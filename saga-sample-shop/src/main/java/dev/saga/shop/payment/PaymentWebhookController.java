package dev.saga.shop.payment;

import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import dev.saga.SagaClient;
import dev.saga.UnknownSagaException;
import dev.saga.shop.order.Signals;

/** The gateway's webhook: passes the payment result on to the waiting saga as a signal. */
@RestController
class PaymentWebhookController {

    private final SagaClient sagas;

    PaymentWebhookController(SagaClient sagas) {
        this.sagas = sagas;
    }

    /**
     * Answers 200 with {@code DELIVERED}, or {@code SAGA_FINISHED} when the saga no longer waits
     * (a repeated callback; the gateway must not retry that), 404 for an unknown saga.
     */
    @PostMapping("/webhooks/payments")
    Map<String, Object> paymentResult(@RequestBody PaymentResult result) {
        if (result.sagaId() == null || result.chargeId() == null || result.outcome() == null) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
                    "a payment result needs sagaId, chargeId and outcome (APPROVED or DECLINED)");
        }
        try {
            var delivered = sagas.signal(result.sagaId(), Signals.PAYMENT_RESULT, result);
            return Map.of("sagaId", result.sagaId(), "signal", Signals.PAYMENT_RESULT, "result", delivered);
        } catch (UnknownSagaException e) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no saga " + result.sagaId());
        }
    }
}
