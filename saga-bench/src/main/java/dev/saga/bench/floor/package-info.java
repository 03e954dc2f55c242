/** The floor: plain JDBC doing exactly the writes a durable 3-step saga needs, one commit each. */
package dev.saga.bench.floor;
