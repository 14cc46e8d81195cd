"""School Links Atlas library: data, measures, register, matching and maps (no UI)."""
