"""Pure calculators for the guides' rules: dates and amounts in, results with reasons out; no I/O."""
