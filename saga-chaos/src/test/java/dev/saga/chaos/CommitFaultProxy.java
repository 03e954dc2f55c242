package dev.saga.chaos;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy between one node and PostgreSQL that makes commits ambiguous: the server commits,
 * the client is told nothing but an I/O error.
 *
 * <p>It understands just enough of the v3 wire protocol. The first client message is untyped: an
 * SSLRequest or GSSENCRequest is answered {@code N} (no encryption, the client goes on in clear
 * text), a CancelRequest is passed on, a StartupMessage opens the session. After that every
 * message in both directions is a type byte, a 4-byte length and a body. A transaction's commit is
 * a simple Query {@code COMMIT}, or (what pgjdbc 42.7 sends for {@code Connection.commit()}) a Bind
 * of a statement parsed from the text {@code COMMIT} (unnamed at first; pgjdbc names it
 * {@code S_<n>} and binds it without a new Parse once it has run five times on that connection)
 * followed by Execute and Sync. Every request the server answers with exactly one ReadyForQuery
 * (the startup, each Query, each Sync) is numbered, so the reply to a commit is known exactly.
 *
 * <p>At the configured rate, while armed, a commit is passed on to the server, its reply is read
 * up to ReadyForQuery and <em>not</em> passed on: both sockets are closed instead. An injection
 * counts as an ambiguous commit when the withheld reply said {@code COMMIT} (the transaction
 * committed); otherwise (it said {@code ROLLBACK} or an error: nothing committed) only as a cut.
 *
 * <p>The proxy outlives the sessions: a database restart or a killed node ends the sessions it
 * breaks, and the next connection gets a new session (or, while the database is down, is closed
 * at once, which the client sees as a failed connection attempt).
 */
final class CommitFaultProxy implements AutoCloseable {

    private static final int SSL_REQUEST = 80877103;
    private static final int GSSENC_REQUEST = 80877104;
    private static final int CANCEL_REQUEST = 80877102;

    private final String name;
    private final String targetHost;
    private final int targetPort;
    private final double rate;
    private final ServerSocket listener;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger sessionCount = new AtomicInteger();
    private final AtomicInteger commits = new AtomicInteger();
    private final AtomicInteger ambiguousCommits = new AtomicInteger();
    private final AtomicInteger cutRollbacks = new AtomicInteger();
    private final PrintWriter log;
    private final boolean traceMessages;
    private volatile boolean armed;
    private volatile boolean closed;

    /**
     * @param rate share of commits made ambiguous while armed
     * @param logFile where every cut (and every connection the server refused) is written
     * @param traceMessages whether every client message is written there too (to see what a driver sends)
     */
    CommitFaultProxy(String name, String targetHost, int targetPort, double rate, Path logFile, boolean traceMessages) {
        this.name = name;
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.rate = rate;
        this.traceMessages = traceMessages;
        try {
            this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
            this.log = new PrintWriter(Files.newBufferedWriter(logFile, StandardCharsets.UTF_8), true);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the commit fault proxy " + name, e);
        }
        var acceptor = new Thread(this::accept, "pg-proxy-" + name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The URL a node connects with: the proxy's port, the database's name. */
    String jdbcUrl(String database) {
        return "jdbc:postgresql://" + listener.getInetAddress().getHostAddress() + ":" + listener.getLocalPort() + "/"
                + database;
    }

    /** Faults are injected only while armed (a node that is starting is left alone: its start would fail). */
    void arm(boolean armed) {
        this.armed = armed;
    }

    /** Commits seen, armed or not. */
    int commits() {
        return commits.get();
    }

    /** Commits that the server made and the client was not told about. */
    int ambiguousCommits() {
        return ambiguousCommits.get();
    }

    /** Injections whose transaction did not commit (it had failed already): only a broken connection. */
    int cutRollbacks() {
        return cutRollbacks.get();
    }

    int sessions() {
        return sessionCount.get();
    }

    String name() {
        return name;
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        sessions.forEach(Session::close);
        log.close();
    }

    private void accept() {
        while (!closed) {
            try {
                var client = listener.accept();
                client.setTcpNoDelay(true);
                var session = new Session(sessionCount.incrementAndGet(), client);
                sessions.add(session);
                var upstream = new Thread(session::upstream, "pg-proxy-" + name + "-" + session.number + "-up");
                upstream.setDaemon(true);
                upstream.start();
            } catch (IOException e) {
                if (!closed) {
                    ChaosRun.log("proxy " + name + " could not accept a connection: " + e);
                }
            }
        }
    }

    /** A client message, written only when tracing (the line is not even built otherwise). */
    private void trace(java.util.function.Supplier<String> line) {
        if (traceMessages) {
            log(line.get());
        }
    }

    private void log(String line) {
        synchronized (log) {
            log.println(java.time.LocalTime.now() + " " + line);
        }
    }

    static boolean isCommit(String sql) {
        var text = sql.strip().toUpperCase(Locale.ROOT);
        if (text.endsWith(";")) {
            text = text.substring(0, text.length() - 1).strip();
        }
        return text.equals("COMMIT") || text.equals("END") || text.equals("COMMIT WORK")
                || text.equals("COMMIT TRANSACTION") || text.equals("END WORK") || text.equals("END TRANSACTION");
    }

    /** One client connection and its connection to the server; a thread for each direction. */
    private final class Session {

        final int number;
        final Socket client;
        volatile Socket server;
        final AtomicBoolean ended = new AtomicBoolean();
        /** Which statements (by name, "" the unnamed one) were parsed from a commit; upstream thread only. */
        final Map<String, Boolean> commitStatements = new HashMap<>();
        /** Requests answered by one ReadyForQuery each, sent so far; upstream thread only. */
        long requests;
        /** A commit was bound since the last Sync; upstream thread only. */
        boolean commitBound;
        /** The request whose reply is withheld and the connection cut (0: none). */
        volatile long cutAt;

        Session(int number, Socket client) {
            this.number = number;
            this.client = client;
        }

        void upstream() {
            try {
                var in = new DataInputStream(new BufferedInputStream(client.getInputStream()));
                DataOutputStream out = startup(in);
                if (out == null) {
                    return;
                }
                while (true) {
                    int type = in.read();
                    if (type < 0) {
                        return;
                    }
                    int length = in.readInt();
                    byte[] body = in.readNBytes(length - 4);
                    if (body.length != length - 4) {
                        throw new EOFException();
                    }
                    inspect((char) type, body);
                    out.write(type);
                    out.writeInt(length);
                    out.write(body);
                    if (in.available() == 0) {
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // the client went away, or the session was cut
            } finally {
                close();
            }
        }

        /** Answers encryption requests, connects to the server and passes the startup on; null when done. */
        private DataOutputStream startup(DataInputStream in) throws IOException {
            while (true) {
                int length = in.readInt();
                int code = in.readInt();
                byte[] rest = in.readNBytes(length - 8);
                if (code == SSL_REQUEST || code == GSSENC_REQUEST) {
                    trace(() -> number + " " + (code == SSL_REQUEST ? "SSLRequest" : "GSSENCRequest") + ": answered N");
                    client.getOutputStream().write('N');
                    client.getOutputStream().flush();
                    continue;
                }
                var socket = new Socket();
                try {
                    socket.connect(new InetSocketAddress(targetHost, targetPort), 2000);
                } catch (IOException databaseDown) {
                    socket.close();
                    log(number + " cannot reach the server: " + databaseDown);
                    if (code != CANCEL_REQUEST) {
                        refuse(client.getOutputStream());
                    }
                    return null;
                }
                socket.setTcpNoDelay(true);
                server = socket;
                if (ended.get()) {
                    socket.close();
                    return null;
                }
                var out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
                out.writeInt(length);
                out.writeInt(code);
                out.write(rest);
                out.flush();
                if (code == CANCEL_REQUEST) {
                    trace(() -> number + " CancelRequest passed on");
                    socket.getInputStream().read(); // the server closes it when done
                    return null;
                }
                requests = 1; // the startup is answered by the first ReadyForQuery
                var downstream = new Thread(this::downstream, "pg-proxy-" + name + "-" + number + "-down");
                downstream.setDaemon(true);
                downstream.start();
                return out;
            }
        }

        /**
         * Answers a startup as a server that is shutting down or starting up does (57P03), rather
         * than just closing the connection: a client then reports a refused connection, not an
         * end of stream in the middle of the handshake (which Spring MVC, for one, takes for its
         * HTTP client having gone away when it is the cause of a CannotCreateTransactionException,
         * and answers 200 with no body).
         */
        private void refuse(java.io.OutputStream out) throws IOException {
            var fields = new java.io.ByteArrayOutputStream();
            for (String field : new String[] {"SFATAL", "VFATAL", "C57P03",
                    "Mthe database system is not accepting connections (the chaos proxy cannot reach it)"}) {
                fields.write(field.getBytes(StandardCharsets.UTF_8));
                fields.write(0);
            }
            fields.write(0);
            var message = new DataOutputStream(out);
            message.write('E');
            message.writeInt(4 + fields.size());
            fields.writeTo(message);
            message.flush();
        }

        /** Follows the client's messages: which statements commit, and which request a commit ends. */
        private void inspect(char type, byte[] body) {
            switch (type) {
                case 'P' -> {
                    String statement = cString(body, 0);
                    String query = cString(body, cStringEnd(body, 0) + 1);
                    commitStatements.put(statement, isCommit(query));
                    trace(() -> number + " > P " + quoted(statement) + " " + abbreviated(query));
                }
                case 'B' -> {
                    String statement = cString(body, cStringEnd(body, 0) + 1);
                    boolean commit = commitStatements.getOrDefault(statement, false);
                    commitBound |= commit;
                    trace(() -> number + " > B " + quoted(statement) + (commit ? " (COMMIT)" : ""));
                }
                case 'C' -> {
                    if (body.length > 0 && body[0] == 'S') {
                        commitStatements.remove(cString(body, 1));
                    }
                    trace(() -> number + " > C " + (char) body[0] + " " + quoted(cString(body, 1)));
                }
                case 'Q' -> {
                    requests++;
                    String query = cString(body, 0);
                    trace(() -> number + " > Q " + abbreviated(query));
                    if (isCommit(query)) {
                        commitSent();
                    }
                }
                case 'S' -> {
                    requests++;
                    trace(() -> number + " > S");
                    if (commitBound) {
                        commitBound = false;
                        commitSent();
                    }
                }
                default -> trace(() -> number + " > " + type);
            }
        }

        /** The request just numbered ends with a commit: maybe cut its reply (decided before it is sent). */
        private void commitSent() {
            commits.incrementAndGet();
            if (armed && ThreadLocalRandom.current().nextDouble() < rate) {
                cutAt = requests;
            }
        }

        void downstream() {
            try {
                var in = new DataInputStream(new BufferedInputStream(server.getInputStream()));
                var out = new DataOutputStream(new BufferedOutputStream(client.getOutputStream()));
                long readies = 0;
                String tag = null;
                while (true) {
                    int type = in.read();
                    if (type < 0) {
                        return;
                    }
                    int length = in.readInt();
                    byte[] body = in.readNBytes(length - 4);
                    if (body.length != length - 4) {
                        throw new EOFException();
                    }
                    if (cutAt == readies + 1) { // the reply to the commit to cut: withhold it
                        out.flush(); // what belongs to earlier replies
                        if (type == 'C') {
                            tag = cString(body, 0);
                        } else if (type == 'Z') {
                            cut(tag);
                            return;
                        }
                        continue;
                    }
                    if (type == 'Z') {
                        readies++;
                    }
                    out.write(type);
                    out.writeInt(length);
                    out.write(body);
                    if (in.available() == 0) {
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // the server went away (a restart), or the client did
            } finally {
                close();
            }
        }

        /** The server has answered the commit in full; the client gets no answer, only a closed connection. */
        private void cut(String tag) {
            close();
            if ("COMMIT".equals(tag)) {
                ambiguousCommits.incrementAndGet();
            } else {
                cutRollbacks.incrementAndGet();
            }
            log(number + " cut after the server answered " + tag);
        }

        void close() {
            if (ended.compareAndSet(false, true)) {
                sessions.remove(this);
                quietlyClose(client);
                quietlyClose(server);
            }
        }
    }

    private static void quietlyClose(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** The zero-terminated string at {@code from}. */
    private static String cString(byte[] body, int from) {
        return new String(body, from, cStringEnd(body, from) - from, StandardCharsets.UTF_8);
    }

    /** Where the zero-terminated string at {@code from} ends (its terminator). */
    private static int cStringEnd(byte[] body, int from) {
        int end = from;
        while (end < body.length && body[end] != 0) {
            end++;
        }
        return end;
    }

    private static String quoted(String statement) {
        return "\"" + statement + "\"";
    }

    private static String abbreviated(String query) {
        var oneLine = query.replaceAll("\\s+", " ");
        return oneLine.length() > 120 ? oneLine.substring(0, 120) + "..." : oneLine;
    }
}
