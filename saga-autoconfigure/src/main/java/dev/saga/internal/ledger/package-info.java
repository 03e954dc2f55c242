/**
 * The saga instances, their step ledger and signals in PostgreSQL: records, and the stores that
 * read and write them, every write of a run fenced by the instance's fencing number.
 */
@NullMarked
package dev.saga.internal.ledger;

import org.jspecify.annotations.NullMarked;
