package dev.saga.internal.determinism;

import java.io.IOException;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.asm.Opcodes;
import org.springframework.asm.Type;

import dev.saga.internal.definition.SagaDefinition;
import dev.saga.internal.definition.StepDefinition;

/**
 * Finds, in the byte code, the calls that break replay:
 * <ul>
 * <li>in each saga's entry method and the methods of the saga class it reaches (private helpers,
 * lambdas and method references to its own methods), transitively: the clock, randomness,
 * {@code Thread.sleep}, file and network I/O, JDBC ({@link ReplayHazards});</li>
 * <li>in each {@code @Step} method: a call of another {@code @Step} method of its bean on
 * {@code this}, which bypasses the proxy.</li>
 * </ul>
 * Code in other classes (the step beans' other methods, libraries, anonymous classes) is not
 * followed. A class whose byte code its class loader does not have is skipped.
 *
 * <pre>{@code
 * DeterminismScanner.scan(collector.sagas(), collector.steps()).findings().forEach(f -> log.warn(f.message()));
 * }</pre>
 */
public final class DeterminismScanner {

    private static final Logger log = LoggerFactory.getLogger(DeterminismScanner.class);

    static final String SELF_INVOCATION = "is a self-invocation, which bypasses the proxy, so it runs as a plain"
            + " call inside this step and is not recorded, retried or compensated as a step of its own";
    static final String THROUGH_THE_PROXY = "call it through the bean's proxy (inject it) or make it a plain method";

    private record Place(String className, String method, int line, String why) {
    }

    /**
     * What a scan found.
     *
     * @param findings every call found, each place and kind of call once, sagas first
     * @param methodsRead how many methods' byte code was read: a method that could not be read
     *     was not checked
     */
    public record Result(List<Finding> findings, int methodsRead) {
    }

    private final Map<Class<?>, Optional<ClassFile>> classFiles = new HashMap<>();
    private final Map<Place, Finding> findings = new LinkedHashMap<>();
    private int methodsRead;

    private DeterminismScanner() {
    }

    /** Checks these sagas (and the saga class's methods they reach) and steps. */
    public static Result scan(Collection<SagaDefinition> sagas, Collection<StepDefinition> steps) {
        var scanner = new DeterminismScanner();
        sagas.forEach(scanner::sagaCode);
        steps.stream()
                .collect(Collectors.groupingBy(StepDefinition::beanClass, LinkedHashMap::new, Collectors.toList()))
                .forEach(scanner::stepCode);
        return new Result(List.copyOf(scanner.findings.values()), scanner.methodsRead);
    }

    /** The entry method and every method of the saga class that it reaches, breadth first. */
    private void sagaCode(SagaDefinition saga) {
        var file = classFile(saga.beanClass());
        if (file.isEmpty()) {
            return;
        }
        var entry = key(saga.entryMethod());
        var paths = new HashMap<String, String>(Map.of(entry, saga.entryMethod().getName()));
        var todo = new ArrayDeque<>(List.of(entry));
        while (!todo.isEmpty()) {
            var key = todo.poll();
            var method = file.get().method(key);
            if (method.isEmpty()) {
                continue;
            }
            methodsRead++;
            var path = paths.get(key);
            for (var call : method.get().calls()) {
                ReplayHazards.of(call.owner(), call.name(), call.descriptor()).ifPresent(hazard -> add(file.get(),
                        method.get().name(), callers(path), call, describe(call), hazard.why,
                        hazard.alternative));
                if (call.owner().equals(file.get().internalName()) && !call.name().startsWith("<")
                        && file.get().method(call.key()).isPresent() && !paths.containsKey(call.key())) {
                    paths.put(call.key(), path + " -> " + call.name());
                    todo.add(call.key());
                }
            }
        }
    }

    /** The {@code @Step} methods of one bean: calls of its other steps on {@code this}. */
    private void stepCode(Class<?> beanClass, List<StepDefinition> steps) {
        var stepKeys = steps.stream().map(step -> key(step.method())).collect(Collectors.toSet());
        var hierarchy = new HashSet<String>();
        for (Class<?> type = beanClass; type != null && type != Object.class; type = type.getSuperclass()) {
            hierarchy.add(Type.getInternalName(type));
        }
        for (var step : steps) {
            var own = key(step.method());
            var file = classFile(step.method().getDeclaringClass());
            var method = file.flatMap(f -> f.method(own));
            if (method.isEmpty()) {
                continue;
            }
            methodsRead++;
            for (var call : method.get().calls()) {
                boolean superCall = call.opcode() == Opcodes.INVOKESPECIAL && call.key().equals(own);
                if (call.onThis() && hierarchy.contains(call.owner()) && stepKeys.contains(call.key()) && !superCall) {
                    add(file.get(), step.method().getName(), "", call, "@Step method " + call.name() + "("
                            + parameters(call.descriptor()) + ") on this", SELF_INVOCATION, THROUGH_THE_PROXY);
                }
            }
        }
    }

    private void add(ClassFile file, String method, String reachedFrom, ClassFile.Call call, String what, String why,
            String alternative) {
        var className = Type.getObjectType(file.internalName()).getClassName();
        findings.putIfAbsent(new Place(className, method, call.line(), why),
                new Finding(className, method, reachedFrom, file.sourceFile(), call.line(), what, why, alternative));
    }

    private Optional<ClassFile> classFile(Class<?> type) {
        return classFiles.computeIfAbsent(type, t -> {
            try {
                var file = ClassFile.read(t);
                if (file.isEmpty()) {
                    log.debug("No byte code found for {}; its determinism is not checked", t.getName());
                }
                return file;
            } catch (IOException | RuntimeException e) {
                log.debug("Cannot read the byte code of {}; its determinism is not checked", t.getName(), e);
                return Optional.empty();
            }
        });
    }

    /** {@code run -> validate} for {@code run -> validate -> check}; empty for the entry method itself. */
    private static String callers(String path) {
        int last = path.lastIndexOf(" -> ");
        return last < 0 ? "" : path.substring(0, last);
    }

    private static String key(Method method) {
        return method.getName() + Type.getMethodDescriptor(method);
    }

    /** {@code java.time.Instant.now()}, {@code new java.util.Random()}, as a method reference too. */
    private static String describe(ClassFile.Call call) {
        var owner = Type.getObjectType(call.owner()).getClassName().replace('$', '.');
        var described = call.name().equals("<init>") ? "new " + owner + "(" + parameters(call.descriptor()) + ")"
                : owner + "." + call.name() + "(" + parameters(call.descriptor()) + ")";
        return call.opcode() == Opcodes.INVOKEDYNAMIC ? described + " (as a method reference)" : described;
    }

    private static String parameters(String descriptor) {
        return Arrays.stream(Type.getArgumentTypes(descriptor))
                .map(type -> type.getClassName().substring(type.getClassName().lastIndexOf('.') + 1).replace('$', '.'))
                .collect(Collectors.joining(", "));
    }
}
