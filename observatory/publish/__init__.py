"""Turning the plan into files: rendering templates (``render``), writing the site
atomically with mkdocs (``write``), vendor assets, and open data (downloads, DCAT,
sitemap, release manifest).

Imports ``core`` only.
"""
