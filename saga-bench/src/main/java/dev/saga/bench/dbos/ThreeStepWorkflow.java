package dev.saga.bench.dbos;

/** The benchmark's workflow as DBOS wants it: an interface for the proxy. */
public interface ThreeStepWorkflow {

    int run(int input);
}
