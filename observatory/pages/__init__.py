"""The pages of the site: one module per kind of page, each a page producer
``(site) -> Iterable[Page | Output]``, and the shared figures and tables they show.

Producers take what earlier stages computed (``core.site.Site``); they read no file.
Imports ``core`` and ``studies``.
"""
