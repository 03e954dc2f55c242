package dev.saga.internal.determinism;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.saga.fixtures.NonDeterministicSagas;
import dev.saga.fixtures.NonDeterministicSagas.CleanSaga;
import dev.saga.fixtures.NonDeterministicSagas.CleanSteps;
import dev.saga.fixtures.NonDeterministicSagas.EverythingSaga;
import dev.saga.fixtures.NonDeterministicSagas.HiddenSaga;
import dev.saga.fixtures.NonDeterministicSagas.Steps;
import dev.saga.internal.definition.DefinitionCollector;

/** What the check finds in the byte code of the fixture sagas and steps, without a Spring context. */
class DeterminismScannerTests {

    /** A line of the fixture's source that ends with {@code // flagged: <call> | <alternative>}. */
    record Flagged(String className, int line, String call, String alternative) {
    }

    @Test
    void flagsEveryCallThatBreaksReplayWithItsClassMethodLineAndAlternative() throws IOException {
        var expected = flaggedLinesOf(EverythingSaga.class);
        assertThat(expected).hasSize(24);

        var findings = scan(EverythingSaga.class);

        assertThat(findings).allSatisfy(finding -> {
            assertThat(finding.className()).isEqualTo(EverythingSaga.class.getName());
            assertThat(finding.method()).isEqualTo("run");
            assertThat(finding.reachedFrom()).isEmpty();
            assertThat(finding.sourceFile()).isEqualTo("NonDeterministicSagas.java");
        });
        assertThat(findings).extracting(f -> new Flagged(f.className(), f.line(), f.call(), f.alternative()))
                .usingElementComparator((a, b) -> a.className().equals(b.className()) && a.line() == b.line()
                        && a.call().equals(b.call()) && a.alternative().contains(b.alternative()) ? 0 : 1)
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void namesThePlaceAsAStackTraceDoesWithWhyAndWhatToDoInstead() throws IOException {
        int line = flaggedLinesOf(EverythingSaga.class).get(0).line();

        assertThat(scan(EverythingSaga.class).get(0).message()).isEqualTo(EverythingSaga.class.getName()
                + ".run (NonDeterministicSagas.java:" + line + ") calls java.time.Instant.now(): it reads the clock,"
                + " so every replay sees another time; use Sagas.now(), which is recorded");
    }

    @Test
    void followsTheSagaClassesOwnHelpersLambdasAndMethodReferences() throws IOException {
        var lines = flaggedLinesOf(HiddenSaga.class);

        var findings = scan(HiddenSaga.class);

        assertThat(findings).extracting(Finding::method, Finding::reachedFrom, Finding::line, Finding::call)
                .containsExactlyInAnyOrder(
                        tuple("lambda$run$0", "run", lines.get(0).line(),
                                "java.util.UUID.randomUUID()"),
                        tuple("run", "", lines.get(1).line(),
                                "java.time.Instant.now() (as a method reference)"),
                        tuple("check", "run -> stamp", lines.get(2).line(),
                                "java.lang.System.currentTimeMillis()"));
        assertThat(findings.get(findings.size() - 1).message()).contains(".check (NonDeterministicSagas.java:")
                .contains("), reached from run -> stamp, calls java.lang.System.currentTimeMillis()");
    }

    @Test
    void flagsAStepThatCallsAnotherStepOfItsBeanOnThisButNotThroughTheProxy() throws IOException {
        var expected = flaggedLinesOf(Steps.class);
        assertThat(expected).hasSize(3);

        var findings = scan(Steps.class);

        assertThat(findings).extracting(Finding::method, Finding::line).containsExactly(
                tuple("recordTwice", expected.get(0).line()),
                tuple("recordTwice", expected.get(1).line()),
                tuple("recordEach", expected.get(2).line()));
        assertThat(findings).allSatisfy(finding -> {
            assertThat(finding.call()).isIn("@Step method record(String) on this",
                    "@Step method recordAt(long, String) on this");
            assertThat(finding.why()).contains("bypasses the proxy");
            assertThat(finding.alternative())
                    .isEqualTo("call it through the bean's proxy (inject it) or make it a plain method");
        });
    }

    @Test
    void aSagaThatUsesOnlyStepsAndTheDurablePrimitivesAndItsStepsYieldNothing() {
        var collector = collect(CleanSaga.class, CleanSteps.class);

        var result = DeterminismScanner.scan(collector.sagas(), collector.steps());

        assertThat(result.findings()).isEmpty();
        assertThat(result.methodsRead()).as("run, helper, the lambda, record").isEqualTo(4);
    }

    private static List<Finding> scan(Class<?>... beans) {
        var collector = collect(beans);
        return DeterminismScanner.scan(collector.sagas(), collector.steps()).findings();
    }

    private static DefinitionCollector collect(Class<?>... beans) {
        var collector = new DefinitionCollector();
        for (var bean : beans) {
            collector.inspect(bean.getSimpleName(), bean);
        }
        assertThat(collector.problems()).isEmpty();
        return collector;
    }

    /** The lines of the fixture's source, inside the nested class, that the check must flag. */
    static List<Flagged> flaggedLinesOf(Class<?> nested) throws IOException {
        var source = Files.readAllLines(Path.of("src/test/java",
                NonDeterministicSagas.class.getName().replace('.', '/') + ".java"));
        var classStart = Pattern.compile("^    public static class (\\w+)");
        var marker = Pattern.compile("// flagged: (.+) \\| (.+)$");
        var flagged = new ArrayList<Flagged>();
        String current = "";
        for (int i = 0; i < source.size(); i++) {
            var start = classStart.matcher(source.get(i));
            if (start.find()) {
                current = start.group(1);
            }
            var found = marker.matcher(source.get(i));
            if (found.find() && current.equals(nested.getSimpleName())) {
                flagged.add(new Flagged(nested.getName(), i + 1, found.group(1), found.group(2)));
            }
        }
        return flagged;
    }
}
