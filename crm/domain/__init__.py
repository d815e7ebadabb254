"""Domain rules in one place: stages, reference lists and (later) stalled/metric rules."""
