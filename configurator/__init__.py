"""Pure domain of Gifts of Hope: catalog, box spec, rules, prices, lead times, state machines.

Nothing here imports Flask, SQLAlchemy or Celery (a test checks), so every rule can be
tested and reused without an app.
"""
