"""`mlbp plan`: review a change to blueprints as a change to infrastructure (planner.py is the entry point)."""
