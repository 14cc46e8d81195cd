"""The council's link register: schema, migrations, reads and audited writes, imports, accounts.

May import: ``dashboard.config``, ``dashboard.data`` and ``dashboard.analysis``.
"""
