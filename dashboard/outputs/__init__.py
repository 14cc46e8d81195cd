"""Things to read away from the map: Altair charts and the printable PDF briefing.

May import: ``config``, ``data``, ``analysis`` and ``register`` (not ``maps`` or ``app``).
"""
