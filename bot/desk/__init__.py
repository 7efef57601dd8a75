"""The staff desk: handoff routing, question clusters, stats and charts, the audit export."""
