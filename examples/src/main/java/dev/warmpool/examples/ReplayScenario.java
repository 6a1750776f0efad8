package dev.warmpool.examples;

import dev.warmpool.fake.Fault;
import java.util.List;

/**
 * One shape of outage that {@link IncidentReplay} can replay ({@code --scenario <name>}): the faults the fake cloud
 * follows in the failing regions, and how the printout names them. Both pools, the naive one and Warmpool, face the
 * same faults and the same jobs. A new shape is one class that implements this and one entry in
 * {@link ReplayScenarios}.
 *
 * <p>Implementations are stateless and thread-safe.
 */
interface ReplayScenario {

  /** The name {@code --scenario} takes, e.g. {@code seed}. */
  String name();

  /** One line for {@code --help}. */
  String summary();

  /** The faults of the outage: in {@link ReplayOptions#outageRegions()}, from the outage's start to its end. */
  List<Fault> faults(ReplayOptions o);

  /** What the control plane does while the outage lasts, for the timeline, e.g. "ARM answers 503 in westeurope". */
  String during(ReplayOptions o);

  /** The outage in a few words for the description's first line, e.g. "ARM 503s in westeurope". */
  String headline(ReplayOptions o);
}
