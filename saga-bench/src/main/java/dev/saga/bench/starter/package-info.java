/** The starter under test: the benchmark's sagas and the Spring Boot application that runs them. */
package dev.saga.bench.starter;
