"""The Dagster shell over ``pipelines``: assets, checks, schedules and sensors, and nothing else."""
