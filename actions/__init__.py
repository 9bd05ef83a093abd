"""Custom actions for the peer-support practice assistant."""
