"""Anthropic: the package's identity is in `spec`, how to talk to it in `api`, one module per capability."""
