package dev.warmpool.fake;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The arithmetic of overlapping faults: among the faults with one effect that match one call, their shares add up
 * (two 30% outages fail 60% of calls), capped at 100%, and one draw decides which fault, if any, fires.
 *
 * <p>Design: the faults lie side by side on [0, 1) in script order, each as wide as its share; one uniform draw
 * {@code u} fires the fault whose interval holds it, and none when {@code u} falls past their sum. Where the sum
 * passes 1.0 the faults late in the script get the rest (a later fault's interval is cut at 1.0). So the chance that
 * some fault fires is {@code min(1, sum of shares)}, and each call draws once, whatever the number of faults. No
 * draw is made when nothing can fire or when a single fault always fires, so a script of one fault per effect draws
 * as it always did.
 *
 * <p>Thread-safe: it holds no state (the generator is the caller's).
 */
final class FaultShares {
  private FaultShares() {}

  /**
   * Picks the fault that fires.
   *
   * @param candidates the matching faults with this effect, in script order
   * @param random the cloud's seeded generator
   * @return the fault that fires, or null
   */
  static Fault pick(List<Fault> candidates, RandomGenerator random) {
    double sum = 0.0;
    for (Fault f : candidates) {
      sum += f.rate();
    }
    if (sum <= 0.0) {
      return null;
    }
    if (candidates.size() == 1 && sum >= 1.0) {
      return candidates.get(0);
    }
    return at(candidates, random.nextDouble());
  }

  /**
   * The fault whose interval holds {@code u}.
   *
   * @param candidates the faults, in script order
   * @param u a draw in [0, 1)
   * @return the fault, or null when {@code u} is at or past the sum of the shares
   */
  static Fault at(List<Fault> candidates, double u) {
    double upTo = 0.0;
    for (Fault f : candidates) {
      upTo += f.rate();
      if (u < upTo) {
        return f;
      }
    }
    return null;
  }
}
