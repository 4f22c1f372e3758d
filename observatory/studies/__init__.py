"""Studies: front matter, shortcodes that put the data's numbers into the text, the
tables of a study, and the cost scenarios.

Imports ``core`` and ``compute``.
"""
