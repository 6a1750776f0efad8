/**
 * Spring Boot auto-configuration of Warmpool: pools from {@code warmpool.pools.*} properties as beans, closed
 * gracefully; health per pool; Micrometer metrics. See docs/spring-boot.md.
 */
package dev.warmpool.spring;
