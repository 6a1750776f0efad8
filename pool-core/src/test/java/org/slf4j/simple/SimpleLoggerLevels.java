package org.slf4j.simple;

import org.slf4j.LoggerFactory;

/**
 * Turns one slf4j-simple logger up for a test and back. slf4j-simple fixes a logger's level when the logger is made
 * (the first test that logs makes the engine's), so a test that must see every line cannot rely on a system property;
 * this class lives in slf4j-simple's package to reach the level it keeps.
 */
public final class SimpleLoggerLevels {
  private SimpleLoggerLevels() {}

  /**
   * Logs everything on {@code name} until the returned handle is closed.
   *
   * @param name a logger's name
   * @return restores the logger's level
   */
  public static AutoCloseable traceAll(String name) {
    SimpleLogger logger = (SimpleLogger) LoggerFactory.getLogger(name);
    int before = logger.currentLogLevel;
    logger.currentLogLevel = SimpleLogger.LOG_LEVEL_TRACE;
    return () -> logger.currentLogLevel = before;
  }
}
