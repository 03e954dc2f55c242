package dev.saga.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.saga.fixtures.Order;
import dev.saga.fixtures.ShopConfiguration;
import dev.saga.testsupport.TestEngine;

/**
 * {@code show-values: when-authorized} over HTTP: Actuator hands the web extension the request's
 * principal and roles (here set by a servlet filter, as a container's or Spring Security's
 * authentication would), and only a user with one of the configured roles sees payloads.
 */
class SagaEndpointHttpTests {

    private static final JsonMapper json = JsonMapper.builder().build();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static TestEngine engine;
    private static String base;
    private static String id;

    @BeforeAll
    static void startNode() {
        engine = new TestEngine();
        var node = engine.startWebNode(List.of(ShopConfiguration.class, SignedInUsers.class), List.of(
                "management.endpoints.web.exposure.include=sagas",
                "management.endpoint.sagas.show-values=when-authorized",
                "management.endpoint.sagas.roles=saga-operator"), context -> {
                });
        var client = TestEngine.client(node);
        var saga = client.start("order", new Order("http-1", 7));
        client.awaitResult(saga, String.class, Duration.ofSeconds(30));
        id = saga.toString();
        base = "http://localhost:" + ((WebServerApplicationContext) node).getWebServer().getPort() + "/actuator";
    }

    @AfterAll
    static void stopNode() {
        engine.close();
    }

    @Test
    void leavesOutTheFieldsThatAreNullAsOperationsMdSays() throws Exception {
        var detail = get("/sagas/" + id, "ada", "saga-operator");

        assertThat(detail.at("/saga/status").asString()).isEqualTo("COMPLETED");
        assertThat(detail.get("saga").has("error")).as("a completed saga has no error field").isFalse();
        assertThat(detail.get("saga").has("businessKey")).as("started without a business key").isFalse();
        assertThat(detail.get("saga").has("output")).isTrue();
    }

    @Test
    void showsPayloadsOnlyToASignedInUserWithTheRole() throws Exception {
        var anonymous = get("/sagas/" + id, null, null);
        var viewer = get("/sagas/" + id, "bob", "viewer");
        var operator = get("/sagas/" + id, "ada", "saga-operator");

        assertThat(anonymous.at("/saga/input").asString()).isEqualTo("******");
        assertThat(anonymous.at("/timeline/0/result").asString()).isEqualTo("******");
        assertThat(anonymous.at("/saga/status").asString()).isEqualTo("COMPLETED");
        assertThat(viewer.at("/saga/input").asString()).isEqualTo("******");
        assertThat(viewer.at("/saga/output").asString()).isEqualTo("******");
        assertThat(json.readTree(operator.at("/saga/input").asString()).at("/id").asString()).isEqualTo("http-1");
        assertThat(operator.at("/saga/output").asString()).contains("pay-http-1");
        assertThat(operator.at("/timeline/0/result").asString()).contains("pay-http-1");
        assertThat(get("/sagas?name=order", "ada", "saga-operator").at("/page/sagas/0/input").asString())
                .contains("http-1");
        assertThat(get("/sagas?name=order", null, null).at("/page/sagas/0/input").asString()).isEqualTo("******");
    }

    private static JsonNode get(String path, String user, String role) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (user != null) {
            request.header("X-User", user).header("X-Role", role);
        }
        var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    /** Takes the user and role from request headers: a stand-in for real authentication. */
    @Configuration(proxyBeanMethods = false)
    static class SignedInUsers {

        @Bean
        Filter signedInUsers() {
            return (request, response, chain) -> {
                var http = (HttpServletRequest) request;
                var user = http.getHeader("X-User");
                if (user == null) {
                    chain.doFilter(request, response);
                    return;
                }
                var roles = Set.of(http.getHeader("X-Role"));
                chain.doFilter(new HttpServletRequestWrapper(http) {
                    @Override
                    public java.security.Principal getUserPrincipal() {
                        return () -> user;
                    }

                    @Override
                    public boolean isUserInRole(String role) {
                        return roles.contains(role);
                    }
                }, response);
            };
        }
    }
}
