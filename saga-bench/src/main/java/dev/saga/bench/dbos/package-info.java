/** The peer: the same 3-step workflow in DBOS Transact Java, on its own database of the same server. */
package dev.saga.bench.dbos;
