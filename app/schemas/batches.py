"""What every batch a worker processes (an order import, a label batch) reports."""

from __future__ import annotations

from marshmallow import Schema, fields

from .times import Instant


class BatchProgressOut(Schema):
    """The batch's state (queued, running, done, failed), why it stopped, and when."""

    id = fields.String()
    status = fields.String()
    message = fields.String(allow_none=True)
    created_at = Instant()
    finished_at = Instant(allow_none=True)
