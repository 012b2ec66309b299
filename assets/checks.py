"""Names of the asset checks: constants, so that tests, sensors and the UI agree on them."""

FACTS_SCHEMA = "facts_schema"
REPORTS_SCHEMA = "reports_schema"
FINDINGS_SCHEMA = "findings_schema"
EVERY_FILE_RECORDED = "every_file_recorded"
# One check per rule of the forms, named after the rule (a test holds these to schemas/forms/):
# the hard identities (I1 勾稽, I2, I3, T4) ...
IDENTITY_RULES = ("I1", "I2", "I3", "T4")
# ... and the soft rules: W1 carried over against last year, W2 in force against last year (2021
# form), W3 newly published ≤ total published (2019 form).
SOFT_RULES = ("W1", "W2", "W3")
