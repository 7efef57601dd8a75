"""Durable storage: typed records in crash-safe TinyDB files, and PTB's persistence."""
