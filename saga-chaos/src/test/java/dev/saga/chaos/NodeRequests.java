package dev.saga.chaos;

/** Sends a POST to some ready node, to the next one if it fails, until one answers 200. */
@FunctionalInterface
interface NodeRequests {

    /**
     * @return the body of the answer
     * @throws IllegalStateException if no node accepted the request within two minutes
     */
    String send(String pathAndQuery) throws InterruptedException;
}
