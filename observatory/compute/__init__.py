"""What the build computes from the loaded project: indicator series (aggregation and
statistical secrecy), charts, maps, text summaries, and the build cache.

Pure functions of frozen values (the cache aside, which keeps results under ``.cache/``).
Imports ``core`` only.
"""
