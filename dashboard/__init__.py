"""School Links Atlas library, in layers; each may import only the layers before it.

::

    config                 constants: paths, CRS, dates, vocabularies, rules
    └─ data/               official DfE/ONS files -> checks -> data/, and reading data/
       └─ analysis/        frames in, frames out: metrics, contrast, partners, plans, gaps
          └─ register/     the link register: model, store, import, accounts, exports
             ├─ maps/      folium maps (their JavaScript is in static/js)
             ├─ outputs/   charts and the PDF briefing
             └─ app/       the only layer that imports Streamlit: session, navigation,
                           guards, cached loaders and one helper module per page

``tests/test_architecture.py`` enforces the order (maps and outputs may not import
each other) and that Streamlit is imported only under ``app/``.
"""
