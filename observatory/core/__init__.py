"""The vocabulary of the build: settings, the frozen data model, problems, number
formatting, French labels, the site plan types (``site``) and every address of the site
(``urls``: page paths, output paths, public URLs).

Owns the values every stage passes on; holds no stage. Imports nothing of the project
(only the standard library and small libraries): everything else may import it.
"""
