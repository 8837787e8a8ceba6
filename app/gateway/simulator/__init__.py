"""A customs simulator on the gateway folders: it reads the signed CEB messages the service
drops into ``outbox/`` and answers with the receipts China E-Port and customs would send,
into ``inbox/``.

``core`` decides (framework-free: no Flask, no SQLAlchemy), with ``summaries`` (CEB701) and
``movements`` (CEB507/509/607/711/513/213/215) answering the messages beyond the clearance
documents; ``store`` remembers (sqlite3 under ``GATEWAY_DIR``), ``loop`` is the process
(``silkpost simulator run``), ``codes`` says why a filing is refused. Outcomes are seeded: the
same filings give the same receipts.
"""

from .config import SimConfig
from .core import CustomsSimulator, ReceiptFile, Scheduled
from .store import SimStore

__all__ = ["CustomsSimulator", "ReceiptFile", "Scheduled", "SimConfig", "SimStore"]
