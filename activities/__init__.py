"""Temporal activities: every side effect, as thin adapters around research/ and store/."""
