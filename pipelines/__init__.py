"""gongkai's core: reading, parsing and normalising disclosure reports.

Plain functions on plain data, with no Dagster in them: ``assets`` is a thin shell over this package.
"""

from . import native

# Before any parser module is imported: whether they load compiled or from source is decided once.
native.choose()
