package dev.saga.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A TCP proxy in front of the test database that a test cuts (every connection drops, new ones
 * are refused, as when the database goes down) and restores on the same port, so that the pool
 * reconnects as it would to a database that came back.
 */
public final class BreakableProxy implements AutoCloseable {

    private static final Pattern URL = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/(.*)");

    private final String targetHost;
    private final int targetPort;
    private final String rest;
    private final int port;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;

    /** A proxy to the database of the JDBC URL; it accepts connections at once. */
    public BreakableProxy(String jdbcUrl) throws IOException {
        var matcher = URL.matcher(jdbcUrl);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("Not a PostgreSQL JDBC URL with host and port: " + jdbcUrl);
        }
        targetHost = matcher.group(1);
        targetPort = Integer.parseInt(matcher.group(2));
        rest = matcher.group(3);
        server = listen(0);
        port = server.getLocalPort();
        acceptLoop(server);
    }

    /** The JDBC URL that goes through this proxy. */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/" + rest;
    }

    public int port() {
        return port;
    }

    /** The database "goes down": open connections drop and new ones are refused. */
    public synchronized void cut() throws IOException {
        server.close();
        for (var socket : sockets) {
            socket.close();
        }
        sockets.clear();
    }

    /** The database "comes back" on the same port. */
    public synchronized void restore() throws IOException {
        server = listen(port);
        acceptLoop(server);
    }

    private static ServerSocket listen(int port) throws IOException {
        var socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return socket;
    }

    private void acceptLoop(ServerSocket listening) {
        var thread = new Thread(() -> {
            while (!listening.isClosed()) {
                try {
                    var client = listening.accept();
                    var target = new Socket(targetHost, targetPort);
                    sockets.add(client);
                    sockets.add(target);
                    pipe(client, target);
                    pipe(target, client);
                } catch (IOException closed) {
                    return;
                }
            }
        }, "breakable-proxy-" + port);
        thread.setDaemon(true);
        thread.start();
    }

    private void pipe(Socket from, Socket to) {
        var thread = new Thread(() -> {
            var buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException dropped) {
                // cut, or closed by either side
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "breakable-proxy-pipe");
        thread.setDaemon(true);
        thread.start();
    }

    private void closeQuietly(Socket socket) {
        sockets.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public synchronized void close() throws IOException {
        cut();
    }
}
