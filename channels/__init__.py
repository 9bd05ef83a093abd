"""Rasa input channels of this project (loaded by `rasa run` from credentials.yml)."""
