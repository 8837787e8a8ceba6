"""Framework-free customs documents: S10 ids, declaration snapshots, ITMATT, CEB XML, PDFs,
and the registry of the document kinds built from them (``kinds``).

Nothing in this package imports Flask or SQLAlchemy: it takes plain typed values and
returns plain values, so it can be tested exactly and reused by any front end.
"""
