/** A Spring Boot application that runs a Warmpool pool from {@code application.yaml} through an outage. */
package dev.warmpool.examples.spring;
