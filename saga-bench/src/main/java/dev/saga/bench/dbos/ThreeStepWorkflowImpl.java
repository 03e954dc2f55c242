package dev.saga.bench.dbos;

import dev.dbos.transact.DBOS;
import dev.dbos.transact.workflow.Workflow;

/** Three no-op steps, each checkpointed by DBOS. */
public final class ThreeStepWorkflowImpl implements ThreeStepWorkflow {

    private final DBOS dbos;

    public ThreeStepWorkflowImpl(DBOS dbos) {
        this.dbos = dbos;
    }

    @Override
    @Workflow(name = "three-steps")
    public int run(int input) {
        int first = dbos.runStep(() -> input, "first");
        int second = dbos.runStep(() -> first, "second");
        return dbos.runStep(() -> second, "third");
    }
}
