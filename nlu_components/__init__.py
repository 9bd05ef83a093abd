"""Custom NLU components of the practice assistant (loaded by Rasa from config.yml)."""
