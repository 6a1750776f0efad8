package dev.warmpool.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.Placement;
import dev.warmpool.api.PoolConfiguration;
import dev.warmpool.api.SizingPolicy;
import dev.warmpool.api.WorkerTemplate;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The run-time configuration that a shared pool writes to its store reads back as it was written. */
class ConfigurationDocumentTest {

  @Test
  void aConfigurationWithFixedAndObjectiveTemplatesReadsBackEqual() {
    SizingPolicy objective = SizingPolicy.objective(0.99, Duration.ofSeconds(5)).floor(2).ceiling(40)
        .zone("Europe/Amsterdam").learnSeasonality(true)
        .window(SizingPolicy.Window.parse("w", "mon-fri 07:00-19:00 12"))
        .window(SizingPolicy.Window.parse("w", "sat 09:30-12:00 3")).build();
    PoolConfiguration c = PoolConfiguration.builder()
        .placement(Placement.of("fake", "westeurope", "eu"))
        .placement(Placement.of("fake", "northeurope", "eu").withPreference(1))
        .template(WorkerTemplate.builder("fixed").warmTarget(4).maxTotal(10).providerProperty("image", "a=b,c")
            .build())
        .template(WorkerTemplate.builder("sized").sizing(objective).maxTotal(50).build())
        .template(WorkerTemplate.builder("unbounded").sizing(SizingPolicy.objective(0.5, Duration.ofMillis(1500))
            .build()).build())
        .maxSurge(2).build();

    PoolConfiguration read = ConfigurationDocument.read(ConfigurationDocument.write(c));

    assertThat(read).isEqualTo(c);
    assertThat(read.templates()).filteredOn(t -> t.name().equals("sized")).singleElement()
        .satisfies(t -> assertThat(t.sizing()).contains(objective));
  }
}
