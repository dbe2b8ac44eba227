"""ElevenLabs: its identity in `spec`, how to talk to it in `api`, one module per capability."""
