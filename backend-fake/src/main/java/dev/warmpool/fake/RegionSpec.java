package dev.warmpool.fake;

/**
 * A region of a {@link FakeCloud} as its builder defined it.
 *
 * @param name the region's id
 * @param geography its geography
 * @param latency how long a provision takes there
 */
record RegionSpec(String name, String geography, Latency latency) {}
