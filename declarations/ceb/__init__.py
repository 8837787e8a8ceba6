"""China customs cross-border e-commerce (CEB, 跨境电商统一版 202205) messages.

``import_`` and ``export`` build the declarations from what ``common`` holds for both (field
layouts, goods lines, the message skeleton and transport part), ``reader`` reads import
declarations back into snapshots, ``receipts`` reads what customs sends back, ``codes`` maps
ISO codes to the customs code tables. Element names, order and formats follow
the official 202205 schemas; the project's own structural checks run whether or not those
schemas are available at run time.
"""
