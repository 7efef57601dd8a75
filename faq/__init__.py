"""The FAQ knowledge base: YAML content, loader, validator and matcher."""
