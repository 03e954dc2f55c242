package dev.saga.chaos;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * One node of the chaos run. Three of them run as separate JVMs on one PostgreSQL; the
 * orchestrator ({@code ChaosRunTests}) starts sagas through {@link LoadController}, kills nodes
 * with SIGKILL, restarts the database and finally checks every guarantee in SQL.
 */
@SpringBootApplication
public class ChaosApplication {

    public static void main(String[] args) {
        SpringApplication.run(ChaosApplication.class, args);
    }
}
