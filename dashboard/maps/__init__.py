"""Folium maps built from frames; their browser code is in ``static/js`` and ``static/css``.

May import: ``config``, ``data``, ``analysis`` and ``register`` (not ``outputs`` or ``app``).
"""
