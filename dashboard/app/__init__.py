"""The Streamlit app layer, the only one that imports Streamlit: session, navigation, loaders.

May import every other layer. Pages import from here and from the layers below.
"""
