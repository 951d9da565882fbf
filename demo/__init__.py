"""SYNTHETIC demo data for the demo region, generated deterministically in the shape of the real sources."""
