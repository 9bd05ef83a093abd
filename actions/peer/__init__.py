"""The simulated peer: scenario files (data/scenarios/) and how the peer answers the trainee."""
