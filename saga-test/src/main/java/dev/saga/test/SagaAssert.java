package dev.saga.test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.assertj.core.api.AbstractAssert;
import org.jspecify.annotations.Nullable;

import dev.saga.SagaClient;
import dev.saga.SagaFailedException;
import dev.saga.SagaStatus;
import dev.saga.SagaStepView;
import dev.saga.SagaTimeoutException;
import dev.saga.SagaView;
import dev.saga.UnknownSagaException;

/**
 * Assertions on one saga's timeline, read afresh from the database by each assertion. Step names
 * are a step's own name ({@code "charge"}) or the name the ledger records ({@code "payments.charge"}).
 * A failed assertion prints the saga's whole timeline.
 *
 * <pre>
 * assertThatSaga(id).completedSteps("charge", "reserve").compensated("reserve", "charge").endedWith(COMPENSATED);
 * </pre>
 */
public final class SagaAssert extends AbstractAssert<SagaAssert, UUID> {

    /** How the ledger records a signal wait that ended with a signal ({@code "received": false} for a timeout). */
    private static final Pattern RECEIVED = Pattern.compile("\"received\"\\s*:\\s*true");

    private final SagaClient client;

    SagaAssert(SagaClient client, UUID sagaId) {
        super(sagaId, SagaAssert.class);
        this.client = client;
    }

    /** The steps that completed, in the order they completed, are exactly these. */
    public SagaAssert completedSteps(String... stepNames) {
        var found = entries("STEP").stream().filter(entry -> entry.status().equals("COMPLETED")).toList();
        return exactly("completed steps", found, stepNames);
    }

    /** The compensations that ran to completion undid exactly these steps, in this order (newest first). */
    public SagaAssert compensated(String... stepNames) {
        var timeline = timeline();
        var undone = timeline.stream()
                .filter(entry -> entry.kind().equals("COMPENSATION") && entry.status().equals("COMPLETED"))
                .map(entry -> entry.compensates() == null ? entry : timeline.get(entry.compensates()))
                .toList();
        return exactly("compensated steps", undone, stepNames);
    }

    /** Nothing was compensated. */
    public SagaAssert compensatedNothing() {
        return compensated();
    }

    /** The step (its first entry in the timeline) took exactly this many attempts. */
    public SagaAssert attempted(String stepName, int attempts) {
        var step = entries("STEP").stream().filter(entry -> matches(entry.name(), stepName)).findFirst()
                .orElseThrow(() -> failure("Expected saga %s to have run step '%s', but it has not:%n%s",
                        actual, stepName, describe(timeline())));
        if (step.attempts().size() != attempts) {
            throw failure("Expected step '%s' of saga %s to take %d attempts, but it took %d:%n%s", stepName, actual,
                    attempts, step.attempts().size(), describe(timeline()));
        }
        return this;
    }

    /** The saga waited for this signal and received it. */
    public SagaAssert received(String signalName) {
        return signal(signalName, true);
    }

    /** The saga waited for this signal and stopped waiting when the wait timed out. */
    public SagaAssert timedOutWaitingFor(String signalName) {
        return signal(signalName, false);
    }

    /** The saga is waiting for this signal now. */
    public SagaAssert isWaitingFor(String signalName) {
        boolean waiting = entries("SIGNAL").stream()
                .anyMatch(entry -> entry.name().equals(signalName) && entry.finishedAt() == null);
        if (!waiting) {
            throw failure("Expected saga %s to wait for signal '%s' now, but it does not:%n%s", actual, signalName,
                    describe(timeline()));
        }
        return this;
    }

    /**
     * The saga has finished with this status. Waits for it to finish (up to 30 seconds), so it may
     * follow a start or a signal directly.
     */
    public SagaAssert endedWith(SagaStatus status) {
        var view = awaitFinished();
        if (view.status() != status) {
            throw failure("Expected saga %s to end %s, but it ended %s%s:%n%s", actual, status, view.status(),
                    view.error() == null ? "" : " (" + view.error() + ")", describe(timeline()));
        }
        return this;
    }

    /** The saga completed with this output (compared after reading its output as the value's type). */
    public SagaAssert hasOutput(Object expected) {
        endedWith(SagaStatus.COMPLETED);
        var output = client.awaitResult(actual, expected.getClass(), Duration.ofSeconds(1));
        if (!Objects.equals(output, expected)) {
            throw failure("Expected saga %s to return%n  %s%nbut it returned%n  %s", actual, expected, output);
        }
        return this;
    }

    /** The error that failed or cancelled the saga contains this text. */
    public SagaAssert failedWith(String errorText) {
        var view = awaitFinished();
        if (view.error() == null || !view.error().contains(errorText)) {
            throw failure("Expected saga %s to have failed with '%s', but its error is %s:%n%s", actual, errorText,
                    view.error(), describe(timeline()));
        }
        return this;
    }

    private SagaAssert signal(String signalName, boolean received) {
        var waits = entries("SIGNAL").stream()
                .filter(entry -> entry.name().equals(signalName) && entry.finishedAt() != null).toList();
        boolean found = waits.stream().anyMatch(entry -> entry.result() != null
                && RECEIVED.matcher(entry.result()).find() == received);
        if (!found) {
            throw failure("Expected saga %s to have %s signal '%s', but it has not:%n%s", actual,
                    received ? "received" : "timed out waiting for", signalName, describe(timeline()));
        }
        return this;
    }

    private SagaAssert exactly(String what, List<SagaStepView> found, String... expected) {
        boolean same = found.size() == expected.length;
        for (int i = 0; same && i < expected.length; i++) {
            same = matches(found.get(i).name(), expected[i]);
        }
        if (!same) {
            throw failure("Expected saga %s's %s to be%n  %s%nbut they are%n  %s%ntimeline:%n%s", actual, what,
                    Arrays.toString(expected), found.stream().map(SagaStepView::name).toList(),
                    describe(timeline()));
        }
        return this;
    }

    /** The saga once it has finished, waited for as {@link SagaClient#awaitResult} waits. */
    private SagaView awaitFinished() {
        try {
            client.awaitResult(actual, Object.class, SagaTestKit.QUIET_TIMEOUT);
        } catch (SagaFailedException endedOtherwise) {
            // finished, not COMPLETED: the view says how
        } catch (SagaTimeoutException notYet) {
            throw failure("Expected saga %s to have finished, but it is %s after %ds:%n%s", actual,
                    client.find(actual).map(SagaView::status).orElse(null), SagaTestKit.QUIET_TIMEOUT.toSeconds(),
                    describe(timeline()));
        } catch (UnknownSagaException unknown) {
            throw failure("No saga has id %s", actual);
        }
        return client.find(actual).orElseThrow(() -> failure("No saga has id %s", actual));
    }

    private List<SagaStepView> entries(String kind) {
        return timeline().stream().filter(entry -> entry.kind().equals(kind)).toList();
    }

    private List<SagaStepView> timeline() {
        isNotNull();
        return client.timeline(actual);
    }

    static boolean matches(String recordedName, String expected) {
        return recordedName.equals(expected) || recordedName.endsWith("." + expected);
    }

    private static String describe(List<SagaStepView> timeline) {
        if (timeline.isEmpty()) {
            return "  (nothing recorded)";
        }
        return timeline.stream().map(SagaAssert::describe).collect(Collectors.joining("\n"));
    }

    private static String describe(SagaStepView entry) {
        var line = new StringBuilder("  ").append(entry.seq()).append(' ').append(entry.kind()).append(' ')
                .append(entry.name()).append(' ').append(entry.status());
        if (entry.compensates() != null) {
            line.append(" (undoes ").append(entry.compensates()).append(')');
        }
        if (entry.attempts().size() > 1) {
            line.append(", ").append(entry.attempts().size()).append(" attempts");
        }
        if (entry.result() != null) {
            line.append(" -> ").append(abbreviate(entry.result()));
        }
        if (entry.error() != null) {
            line.append(" !! ").append(abbreviate(entry.error()));
        }
        return line.toString();
    }

    private static String abbreviate(@Nullable String text) {
        return text == null || text.length() <= 120 ? String.valueOf(text) : text.substring(0, 117) + "...";
    }
}
