package dev.warmpool.examples;

import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * The replay's {@code --roll-image-at HH:MM} option: at that time (UTC on the replay's day, or the day before when it
 * is later than the replay's end) both pools get a new worker image at run time and roll their workers to it, so the
 * replay shows a roll that meets the outage (it pauses) or ordinary demand (it keeps the stock).
 *
 * <p>Kept apart from {@link ReplayOptions}: {@link #strip} takes the option out of the arguments before they are
 * parsed. Immutable and thread-safe.
 *
 * @param at when the new image is applied, or empty for no roll
 */
public record ImageRoll(Optional<Instant> at) {
  /** The image the roll moves to. */
  public static final String NEW_IMAGE = "ghcr.io/acme/deploy-worker:2023.04";

  /** The help text of the option. */
  public static final String HELP = """
        --roll-image-at <HH:MM>      roll both pools to a new worker image at that time, UTC (default: no roll)
      """;

  /** No roll. */
  public static final ImageRoll NONE = new ImageRoll(Optional.empty());

  /**
   * Takes {@code --roll-image-at <HH:MM>} out of the arguments.
   *
   * @param args the command line
   * @param rest receives the other arguments, in order
   * @return the roll, or {@link #NONE}
   * @throws IllegalArgumentException if the value is missing or not HH:MM
   */
  public static ImageRoll strip(String[] args, List<String> rest) {
    ImageRoll roll = NONE;
    for (int i = 0; i < args.length; i++) {
      if (!args[i].equals("--roll-image-at")) {
        rest.add(args[i]);
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("--roll-image-at needs a value HH:MM; see --help");
      }
      String value = args[++i];
      try {
        roll = new ImageRoll(Optional.of(LocalTime.parse(value).atDate(java.time.LocalDate.parse(ReplayOptions.DAY))
            .toInstant(ZoneOffset.UTC)));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("--roll-image-at must be HH:MM, was \"" + value + "\"", e);
      }
    }
    return roll;
  }

  /**
   * Applies the new image to a running pool: the template's provider properties change, so it gets a new version and
   * its workers roll.
   *
   * @param pool the pool
   */
  // tag::roll[]
  static void rollNewImage(WorkerPool pool) {
    WorkerTemplate current = pool.configuration().templates().get(0);
    pool.reconfigure(pool.configuration().toBuilder()
        .template(current.toBuilder().providerProperty("image", NEW_IMAGE).build())
        .maxSurge(4)                                    // up to 4 replacements at a time above the warm target
        .build());
  }
  // end::roll[]

  /**
   * A timeline line for a roll event, or null for other events.
   *
   * @param event the event
   * @return label and detail, or null
   */
  static String[] marker(PoolEvent event) {
    if (event instanceof PoolEvent.TemplateChanged c) {
      return new String[] {"template changed", c.template() + ": " + c.change() + " " + c.version()
          + " (image " + NEW_IMAGE + ")"};
    }
    if (event instanceof PoolEvent.RolloutProgressed p && p.status().paused()) {
      return new String[] {"roll paused", "no placement can make new workers: " + p.status().remaining()
          + " old workers keep serving"};
    }
    if (event instanceof PoolEvent.RolloutFinished f) {
      return new String[] {"roll finished", f.replaced() + " workers replaced; every worker runs " + NEW_IMAGE};
    }
    return null;
  }
}
