"""gongkai's core: reading, parsing and normalising disclosure reports.

Plain functions on plain data, with no Dagster in them: ``assets`` is a thin shell over this package.
"""
