"""Analyses, frames in and frames out: intake metrics, contrast, partners, pairing, gaps, indices.

May import: ``dashboard.config`` and ``dashboard.data``.
"""
