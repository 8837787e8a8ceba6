"""China customs cross-border e-commerce (CEB, 跨境电商统一版 202205) messages.

``import_`` and ``export`` build the declarations from what ``common`` holds for both (field
layouts, goods lines, the message skeleton and transport part); ``summary`` states the
summary-declaration rule (汇总申报) and ``summary_apply`` builds the CEB701 from released
inventories; ``movements`` builds the parcel movements (CEB507/509/607/711/513) and
``returns`` the export returns (CEB213/215); ``reader`` reads declarations back,
``receipts`` reads what customs send back and ``receipts_out`` writes it (for the customs
simulator); ``matching`` holds the cross-document rules; ``codes`` maps ISO codes to the
customs code tables. Element names, order and formats follow the official 202205 schemas;
the project's own structural checks run whether or not those schemas are available at run
time.
"""
