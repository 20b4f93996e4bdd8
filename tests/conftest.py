"""Settings for every test package."""

from hypothesis import settings

# Hypothesis fails an example that takes longer than 200 ms by default: a wall-clock bound
# that a loaded machine breaks. Speed is measured in bench/, never asserted in a test.
settings.register_profile("no-deadline", deadline=None)
settings.load_profile("no-deadline")
