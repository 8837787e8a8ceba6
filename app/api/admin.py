"""Operations: the queues, their failed jobs and the workers (admins)."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..auth import roles_required
from ..jobs import monitor
from ..schemas.times import Instant

blp = Blueprint("admin", __name__, url_prefix="/admin", description="Operations (admins)")


class QueueOut(Schema):
    name = fields.String()
    queued = fields.Integer()
    started = fields.Integer()
    scheduled = fields.Integer(metadata={"description": "Retries waiting for their time"})
    deferred = fields.Integer()
    failed = fields.Integer()
    finished = fields.Integer()


class FailedJobOut(Schema):
    id = fields.String()
    queue = fields.String()
    function = fields.String()
    args = fields.List(fields.Raw())
    enqueued_at = Instant(allow_none=True)
    ended_at = Instant(allow_none=True)
    error = fields.String(allow_none=True, metadata={"description": "The last traceback"})


class WorkerOut(Schema):
    name = fields.String()
    state = fields.String()
    queues = fields.List(fields.String())
    pid = fields.Integer(allow_none=True)
    birth = Instant(allow_none=True)
    last_heartbeat = Instant(allow_none=True)
    current_job = fields.String(allow_none=True)
    successful_jobs = fields.Integer()
    failed_jobs = fields.Integer()


class QueuesOut(Schema):
    queues = fields.List(fields.Nested(QueueOut))
    failed_jobs = fields.List(fields.Nested(FailedJobOut))
    workers = fields.List(fields.Nested(WorkerOut))


class JobActionOut(Schema):
    id = fields.String()
    queue = fields.String()
    status = fields.String()


@blp.route("/queues", methods=["GET"])
@roles_required("admin")
@blp.response(200, QueuesOut)
def queue_report():
    """Queue depths, the latest failed jobs with their errors, workers and heartbeats."""
    return monitor.report()


@blp.route("/jobs/<string:job_id>/requeue", methods=["POST"])
@roles_required("admin")
@blp.response(200, JobActionOut)
@blp.alt_response(404, description="No such job")
@blp.alt_response(409, description="The job has not failed")
def requeue_job(job_id):
    """Put a failed job back on its queue."""
    return monitor.requeue(job_id)


@blp.route("/jobs/<string:job_id>", methods=["DELETE"])
@roles_required("admin")
@blp.response(200, JobActionOut)
@blp.alt_response(404, description="No such job")
@blp.alt_response(409, description="The job has not failed")
def delete_job(job_id):
    """Delete a failed job."""
    return monitor.delete(job_id)
