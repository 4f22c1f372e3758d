"""Reading the project: discovery of data packages and studies (``discover``) and loading
them into the frozen model (``load``).

The only code that reads the project's files (``datapackages/``, ``studies/``, the
profile). Imports ``core`` only.
"""
