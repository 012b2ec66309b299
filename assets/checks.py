"""Names of the asset checks: constants, so that tests, sensors and the UI agree on them."""

FACTS_SCHEMA = "facts_schema"
REPORTS_SCHEMA = "reports_schema"
FINDINGS_SCHEMA = "findings_schema"
EVERY_FILE_RECORDED = "every_file_recorded"
# One check per report identity, named after its rule.
IDENTITY_RULES = ("I1", "I2", "I3", "T4")
