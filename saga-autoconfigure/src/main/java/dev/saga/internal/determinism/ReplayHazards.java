package dev.saga.internal.determinism;

import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The calls that break replay when saga code makes them, and what to use instead. Saga code runs
 * again on every replay, so anything it reads must come out the same (the clock, randomness, files,
 * the network, the database do not), and anything it does happens again.
 */
final class ReplayHazards {

    /** What is wrong with a kind of call (a clause after "it"), and the durable alternative. */
    enum Hazard {
        CLOCK("reads the clock, so every replay sees another time", "use Sagas.now(), which is recorded"),
        UUID("is random, so every replay sees another value", "use Sagas.randomUUID(), which is recorded"),
        RANDOM("is random, so every replay sees another value",
                "call it from a @Step, whose result is recorded, or derive the value from Sagas.randomUUID()"),
        SLEEP("blocks the worker thread, and waits again on every replay",
                "use Sagas.sleep(Duration), a durable timer"),
        IO("does I/O, which happens again on every replay and may give another result", "call it from a @Step"),
        JDBC("uses the database, which happens again on every replay and may give another result",
                "call it from a @Step");

        final String why;
        final String alternative;

        Hazard(String why, String alternative) {
            this.why = why;
            this.alternative = alternative;
        }
    }

    private static final Set<String> CLOCK_CLASSES = Set.of("java/time/Instant", "java/time/LocalDateTime",
            "java/time/ZonedDateTime", "java/time/OffsetDateTime", "java/time/LocalDate", "java/time/LocalTime",
            "java/time/OffsetTime", "java/time/Year", "java/time/YearMonth", "java/time/MonthDay");

    private static final Set<String> FILE_STREAMS = Set.of("java/io/FileInputStream", "java/io/FileOutputStream",
            "java/io/FileReader", "java/io/FileWriter", "java/io/RandomAccessFile");

    private static final Set<String> SOCKETS = Set.of("java/net/Socket", "java/net/ServerSocket",
            "java/net/DatagramSocket", "java/net/MulticastSocket");

    private static final Set<String> JDBC_TYPES = Set.of("java/sql/DriverManager", "java/sql/Connection",
            "java/sql/Statement", "java/sql/PreparedStatement", "java/sql/CallableStatement", "java/sql/ResultSet",
            "java/sql/DatabaseMetaData", "javax/sql/DataSource");

    private static final Set<String> SPRING_JDBC = Set.of("org/springframework/jdbc/core/JdbcTemplate",
            "org/springframework/jdbc/core/JdbcOperations",
            "org/springframework/jdbc/core/namedparam/NamedParameterJdbcTemplate",
            "org/springframework/jdbc/core/namedparam/NamedParameterJdbcOperations",
            "org/springframework/jdbc/core/simple/JdbcClient");

    private ReplayHazards() {
    }

    /** The hazard of calling {@code owner.name} (internal names), if it is one. */
    static Optional<Hazard> of(String owner, String name, String descriptor) {
        return Optional.ofNullable(hazard(owner, name, descriptor));
    }

    private static @Nullable Hazard hazard(String owner, String name, String descriptor) {
        boolean constructor = name.equals("<init>");
        if (CLOCK_CLASSES.contains(owner) && name.equals("now")
                || owner.equals("java/time/Clock") && name.startsWith("system")
                || owner.equals("java/lang/System") && (name.equals("currentTimeMillis") || name.equals("nanoTime"))) {
            return Hazard.CLOCK;
        }
        if (owner.equals("java/util/UUID") && name.equals("randomUUID")) {
            return Hazard.UUID;
        }
        if (owner.equals("java/util/Random") && constructor && descriptor.equals("()V")
                || owner.equals("java/security/SecureRandom") && (constructor || name.startsWith("getInstance"))
                || owner.equals("java/util/concurrent/ThreadLocalRandom") && name.equals("current")
                || (owner.equals("java/lang/Math") || owner.equals("java/lang/StrictMath")) && name.equals("random")) {
            return Hazard.RANDOM;
        }
        if (owner.equals("java/lang/Thread") && name.equals("sleep")
                || owner.equals("java/util/concurrent/TimeUnit") && name.equals("sleep")) {
            return Hazard.SLEEP;
        }
        if (FILE_STREAMS.contains(owner) && constructor
                || owner.equals("java/nio/file/Files")
                || owner.equals("java/nio/channels/FileChannel") && name.equals("open")
                || SOCKETS.contains(owner) && constructor
                || owner.equals("java/net/URL") && name.startsWith("open")
                || owner.startsWith("java/net/http/HttpClient")) {
            return Hazard.IO;
        }
        if (JDBC_TYPES.contains(owner) || SPRING_JDBC.contains(owner)
                || owner.startsWith("org/springframework/jdbc/core/simple/JdbcClient$")) {
            return Hazard.JDBC;
        }
        return null;
    }
}
