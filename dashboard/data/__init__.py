"""Official files to embedded data: read and check DfE and ONS files, build ``data/``, read it.

May import: ``dashboard.config`` only.
"""
