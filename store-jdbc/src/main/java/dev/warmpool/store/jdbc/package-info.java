/**
 * A {@link dev.warmpool.spi.PoolStore} on PostgreSQL through plain JDBC, so that several orchestrator nodes share one
 * warm pool: see {@link dev.warmpool.store.jdbc.JdbcPoolStore}.
 */
package dev.warmpool.store.jdbc;
