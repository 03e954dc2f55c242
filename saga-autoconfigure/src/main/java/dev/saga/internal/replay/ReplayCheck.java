package dev.saga.internal.replay;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import dev.saga.ReplayResult;
import dev.saga.internal.codec.PayloadCodec;
import dev.saga.internal.definition.SagaDefinition;
import dev.saga.internal.definition.SagaRegistry;
import dev.saga.internal.ledger.ErrorText;
import dev.saga.internal.ledger.Fence;
import dev.saga.internal.ledger.SagaHistory;
import dev.saga.internal.ledger.StepKind;
import dev.saga.internal.ledger.StepRecord;
import dev.saga.spi.SagaContextHolder;

/**
 * Replays a recorded history against the saga code deployed here, as a check: the entry method
 * runs on the caller's thread with a context whose cursor answers every call from the history
 * only ({@link ReplayEngine#openChecking}). No step, compensation or wait runs and nothing is
 * written; the check stops where the history ends, and reports a divergence instead of parking.
 */
public final class ReplayCheck {

    /** How many entries around the divergence the message lists, on each side. */
    private static final int CONTEXT = 5;

    private final ReplayEngine engine;
    private final SagaRegistry registry;
    private final PayloadCodec codec;
    private final Function<String, Object> beans;

    /** @param beans the application's beans by name, for the saga beans */
    public ReplayCheck(ReplayEngine engine, SagaRegistry registry, PayloadCodec codec, Function<String, Object> beans) {
        this.engine = engine;
        this.registry = registry;
        this.codec = codec;
        this.beans = beans;
    }

    /** Whether today's code replays the history as recorded; {@code source} names it in the report. */
    public ReplayResult replay(String source, SagaHistory history) {
        var header = "Saga '" + history.name() + "' " + history.sagaId() + " (" + source + ")";
        var saga = registry.saga(history.name(), history.version()).orElse(null);
        if (saga == null) {
            var versions = registry.versions(history.name());
            return result(source, history, 0, header + " cannot be replayed: " + (versions.isEmpty()
                    ? "no saga named '" + history.name() + "' is deployed here (deployed sagas: "
                            + registry.sagas().stream().map(SagaDefinition::name).sorted().toList() + ")"
                    : "version " + history.version() + " is not deployed here (deployed versions: " + versions + ")"));
        }
        var input = history.input() == null || !saga.takesInput() ? null : codec.unreadable(history.input(),
                saga.inputType());
        if (input != null) {
            return result(source, history, 0, header + " diverges from its recorded history at its input: the entry"
                    + " method " + saga.location() + " takes a " + saga.inputType().getTypeName()
                    + ", which cannot read the recorded input: " + input);
        }
        var rows = new TreeMap<Integer, StepRecord>();
        history.entries().forEach(row -> rows.put(row.seq(), row));
        var execution = new SagaExecution(new Fence(history.sagaId(), 0, "replay-check"), saga, history.run());
        var context = engine.openChecking(execution, history.entries());
        String ending;
        var previous = SagaContextHolder.bind(context);
        try {
            @Nullable Object[] arguments = saga.takesInput() ? new Object[] {codec.read(history.input(),
                    saga.inputType(), "input of saga " + saga.name())} : new Object[0];
            ForwardRun.invoke(saga, beans.apply(saga.beanName()), arguments);
            ending = "the entry method returns";
        } catch (SagaControl.HistoryEnd end) {
            return result(source, history, rows.headMap(end.seq()).size(), null);
        } catch (SagaControl.NonDeterminism diverged) {
            var divergence = diverged.divergence();
            return result(source, history, rows.headMap(divergence.seq()).size(),
                    report(header, divergence, rows));
        } catch (SagaControl.ContinueAsNew next) {
            ending = "the saga calls Sagas.continueAsNew(...)";
        } catch (SagaControl unexpected) {
            throw new IllegalStateException("A replay check of " + header + " came to " + unexpected.getMessage()
                    + ", which a check never should", unexpected);
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable failure) {
            ending = "the entry method throws " + ErrorText.of(failure);
        } finally {
            SagaContextHolder.restore(previous);
        }
        int end = context.cursor().peek();
        var more = rows.tailMap(end).values().stream().filter(row -> row.kind() != StepKind.COMPENSATION).findFirst();
        if (more.isPresent()) {
            var row = more.get();
            return result(source, history, rows.headMap(row.seq()).size(), report(header,
                    new Divergence(row.seq(), ReplayCursor.describe(row), ending, null), rows));
        }
        return result(source, history, rows.headMap(end).size(), null);
    }

    private static ReplayResult result(String source, SagaHistory history, int replayed, @Nullable String divergence) {
        return new ReplayResult(source, history.sagaId(), history.name(), replayed, divergence);
    }

    /**
     * The readable diff: what was recorded, what the code does, and the history around it.
     *
     * <pre>
     * Saga 'order' 0b7c… (orders/paid.json) diverges from its recorded history at sequence 2:
     *   expected (recorded): STEP 'shop.reserve'
     *   found (code today):  STEP 'shop.charge'
     *   history: 0 STEP shop.charge COMPLETED, 1 PATCH gift-wrap COMPLETED, 2 STEP shop.reserve COMPLETED &lt;-- here
     * </pre>
     */
    static String report(String header, Divergence divergence, Map<Integer, StepRecord> rows) {
        var report = new StringBuilder(header).append(" diverges from its recorded history at sequence ")
                .append(divergence.seq()).append(":\n")
                .append("  expected (recorded): ").append(divergence.recorded()).append('\n')
                .append("  found (code today):  ").append(divergence.found()).append('\n');
        if (divergence.note() != null) {
            report.append("  note: ").append(divergence.note()).append('\n');
        }
        report.append("  history: ");
        int from = divergence.seq() - CONTEXT;
        int to = divergence.seq() + CONTEXT;
        var shown = new StringBuilder();
        for (var row : rows.values()) {
            if (row.seq() < from || row.seq() > to) {
                continue;
            }
            if (shown.length() > 0) {
                shown.append(", ");
            }
            shown.append(row.seq()).append(' ').append(row.kind()).append(' ').append(row.name()).append(' ')
                    .append(row.status().viewName(row.kind()));
            if (row.seq() == divergence.seq()) {
                shown.append(" <-- here");
            }
        }
        if (rows.keySet().stream().anyMatch(seq -> seq < from)) {
            report.append("…, ");
        }
        report.append(shown);
        if (rows.keySet().stream().anyMatch(seq -> seq > to)) {
            report.append(", …");
        }
        return report.toString();
    }
}
