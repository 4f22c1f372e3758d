"""The validator (``build.py check``): descriptors, tables, fields, rules, consistency
between packages, studies, and the content-hash cache of check results.

Checks are declared as data in ``validate.CHECKS``; each returns problems, never raises.
May import ``core``, ``source``, ``compute`` and ``studies``; nothing but ``cli`` and
``pipeline`` imports it.
"""
