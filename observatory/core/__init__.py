"""The vocabulary of the build: settings, the frozen data model, problems, number
formatting, French labels and the site plan types (``site``).

Owns the values every stage passes on; holds no stage. Imports nothing of the project
(only the standard library and small libraries): everything else may import it.
"""
