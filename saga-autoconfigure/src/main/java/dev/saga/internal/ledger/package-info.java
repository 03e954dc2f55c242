/**
 * The saga instances and their step ledger in PostgreSQL: records, and the store that reads and
 * writes them, every write fenced by the instance's fencing number.
 */
package dev.saga.internal.ledger;
