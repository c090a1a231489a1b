// MiniLM module.
