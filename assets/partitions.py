"""Report years as Dagster partitions, and the asset groups of the pipeline's stages."""

import dagster as dg

from pipelines.incremental import UNDATED, year_partitions

# Every report year from 2008 to this year, and `undated` for files that name no year: a new year's
# partition appears with the new year, when the definitions are next loaded.
YEARS = dg.StaticPartitionsDefinition(year_partitions())

# Asset groups, one a stage: what is there, what it says, what is wrong with it, what analysts query.
GROUP_INGEST = "ingest"
GROUP_PARSE = "parse"
GROUP_VALIDATE = "validate"
GROUP_WAREHOUSE = "warehouse"

__all__ = ["GROUP_INGEST", "GROUP_PARSE", "GROUP_VALIDATE", "GROUP_WAREHOUSE", "UNDATED", "YEARS"]
