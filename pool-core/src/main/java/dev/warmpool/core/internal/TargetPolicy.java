package dev.warmpool.core.internal;

/**
 * The warm target a lease-wait objective asks for, from one control pass's observations: a pure function, so that
 * property tests can hold it to its bounds.
 *
 * <p>Design: the warm stock is a base stock with one-for-one replenishment. The pool keeps idle plus coming workers
 * at the target {@code S}; each grant starts a replacement that arrives after the lead time {@code L}. A request
 * waits longer than {@code w} when the arrivals of the last {@code L - w} reached {@code S} before it, so with Poisson
 * arrivals at rate {@code λ} the share of requests that wait longer than {@code w} is {@code P(N >= S)} with
 * {@code N ~ Poisson(λ (L - w))}. The smallest {@code S} with {@code P(N >= S) <= 1 - q} is the q-quantile of
 * {@code N} plus one: the margin comes from the objective, not from a factor. Workers that come back (reuse,
 * {@code maxUses > 1}) return within the lead time when the hold is shorter than it, and refill the stock; only the
 * share {@code 1/maxUses} of those leases costs a new worker. Waiting requests, the floor, a scheduled minimum and
 * the ceiling bound the result, and the term that decided it is named.
 */
final class TargetPolicy {
  /** The names of the terms that can set a target, as the snapshot and events report them. */
  static final String RATE = "rate";
  static final String SEASONALITY = "seasonality";
  static final String SCHEDULE = "schedule";
  static final String FLOOR = "floor";
  static final String CEILING = "ceiling";
  static final String WAITING = "waiting";
  static final String RUNWAY = "outage-runway";
  static final String FIXED = "fixed";

  private TargetPolicy() {}

  /**
   * What one pass observed and what the policy says.
   *
   * @param quantile the objective's quantile, in (0, 1)
   * @param maxWaitSeconds the objective's wait
   * @param ratePerSecond the observed arrival rate (the larger of the short and long windows)
   * @param seasonalPerSecond the arrival rate learned for the coming lead time, or 0
   * @param leadSeconds the provisioning lead time of the placement that supplies the stock (a recent high quantile)
   * @param holdSeconds the mean hold time of a lease, or infinity when unknown
   * @param maxUses the template's max uses
   * @param waiting requests waiting now
   * @param floor the policy's floor
   * @param scheduled the minimum of the schedule window in force now or within the lead time, or 0
   * @param ceiling the smaller of the policy's ceiling and the template's max total
   * @param runway whether the lead time is that of a failover placement (the home placement is open or degraded)
   */
  record Inputs(double quantile, double maxWaitSeconds, double ratePerSecond, double seasonalPerSecond,
      double leadSeconds, double holdSeconds, int maxUses, int waiting, int floor, int scheduled, int ceiling,
      boolean runway) {}

  /**
   * A computed target and the term that set it.
   *
   * @param value the target
   * @param term one of the term names above
   * @param objectiveStock the stock the objective alone asks for
   */
  record Target(int value, String term, int objectiveStock) {}

  static Target compute(Inputs in) {
    double rate = Math.max(in.ratePerSecond(), in.seasonalPerSecond());
    int stock = stock(in.quantile(), leadDemand(rate, in.leadSeconds() - in.maxWaitSeconds(), in.holdSeconds(),
        in.maxUses()));
    String term = in.seasonalPerSecond() > in.ratePerSecond() ? SEASONALITY : in.runway() ? RUNWAY : RATE;
    int value = stock;
    if (in.scheduled() > value) {
      value = in.scheduled();
      term = SCHEDULE;
    }
    if (in.floor() >= value) {
      value = in.floor();
      term = FLOOR;
    }
    if (in.waiting() > value) {
      value = in.waiting();
      term = WAITING;
    }
    if (value > in.ceiling()) {
      value = in.ceiling();
      term = CEILING;
    }
    return new Target(value, term, stock);
  }

  /**
   * The mean number of workers the stock loses within a window: arrivals, less the leases that return a reusable
   * worker inside it.
   */
  static double leadDemand(double ratePerSecond, double windowSeconds, double holdSeconds, int maxUses) {
    if (!(ratePerSecond > 0) || !(windowSeconds > 0)) {
      return 0;
    }
    double arrivals = ratePerSecond * windowSeconds;
    if (maxUses > 1 && holdSeconds < windowSeconds) {
      double returned = ratePerSecond * (windowSeconds - holdSeconds) * (1 - 1.0 / maxUses);
      arrivals -= returned;
    }
    return Math.max(0, arrivals);
  }

  /**
   * The smallest stock {@code S} with {@code P(N >= S) <= 1 - q} for {@code N ~ Poisson(mean)}: 0 when nothing is
   * expected.
   */
  static int stock(double quantile, double mean) {
    if (!(mean > 0)) {
      return 0;
    }
    return poissonQuantile(quantile, mean) + 1;
  }

  /** The smallest k with {@code P(N <= k) >= q}; a normal approximation past a mean of 500 (exact enough there). */
  static int poissonQuantile(double q, double mean) {
    if (mean > 500) {
      double z = normalQuantile(q);
      return (int) Math.max(0, Math.ceil(mean + z * Math.sqrt(mean) - 0.5));
    }
    double p = Math.exp(-mean);
    double cumulative = p;
    int k = 0;
    while (cumulative < q && k < 10_000) {
      k++;
      p *= mean / k;
      cumulative += p;
    }
    return k;
  }

  /** Acklam's rational approximation of the standard normal quantile (relative error below 1.2e-9). */
  static double normalQuantile(double p) {
    double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
        -3.066479806614716e+01, 2.506628277459239e+00};
    double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
        -1.328068155288572e+01};
    double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
        4.374664141464968e+00, 2.938163982698783e+00};
    double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
    if (p < 0.02425) {
      double q = Math.sqrt(-2 * Math.log(p));
      return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > 1 - 0.02425) {
      return -normalQuantile(1 - p);
    }
    double q = p - 0.5;
    double r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
}
