"""Operations: queue depths, failed jobs with their errors, workers; requeue and delete."""

from support import headers


def _fail_a_poll(app, n: int) -> str:
    """A poll job that fails: the gateway setting is unusable."""
    from app.jobs.gateway import poll_inbox
    from app.jobs.runner import make_worker

    app.config["GATEWAY"] = "carrier-pigeon"
    job = poll_inbox.delay(job_id=f"poll-inbox-test-{n}")
    make_worker(app, simple=True).work(burst=True, with_scheduler=False)
    return job.id


def test_queue_report_lists_depths_failed_jobs_and_workers(app, client, make_user):
    from app.jobs.clearance import prepare_cases
    from app.jobs.runner import health

    admin = make_user("admin")
    failed = _fail_a_poll(app, 1)
    prepare_cases.delay(["no-such-case"], job_id="prepare-waiting")
    r = client.get("/api/v1/admin/queues", headers=headers(admin))
    assert r.status_code == 200, r.json
    depths = {q["name"]: q for q in r.json["queues"]}
    assert list(depths) == ["periodic", "intake", "gateway", "clearance", "documents", "default"]
    assert depths["clearance"]["queued"] == 1 and depths["gateway"]["failed"] == 1
    (job,) = r.json["failed_jobs"]
    assert (job["id"], job["queue"]) == (failed, "gateway")
    assert job["function"] == "app.jobs.gateway.poll_inbox"
    assert "GATEWAY must be one of" in job["error"] and job["ended_at"].endswith("+00:00")
    assert r.json["workers"] == []  # the burst worker has gone
    report = health(app)
    assert report["queues"]["clearance"] == 1
    assert [j["id"] for j in report["failed_jobs"]] == [failed]


def test_a_failed_job_is_requeued_or_deleted(app, client, make_user):
    from app.jobs.queues import queues
    from app.jobs.runner import make_worker

    admin = make_user("admin")
    first, second = _fail_a_poll(app, 1), _fail_a_poll(app, 2)
    r = client.post(f"/api/v1/admin/jobs/{first}/requeue", headers=headers(admin))
    assert r.status_code == 200 and r.json == {"id": first, "queue": "gateway", "status": "queued"}
    assert (
        client.post(f"/api/v1/admin/jobs/{first}/requeue", headers=headers(admin)).status_code
        == 409
    )
    app.config["GATEWAY"] = "filedrop"  # the operator fixed the setting
    make_worker(app, simple=True).work(burst=True, with_scheduler=False)
    assert queues.get("gateway").finished_job_registry.count == 1
    r = client.delete(f"/api/v1/admin/jobs/{second}", headers=headers(admin))
    assert r.status_code == 200 and r.json["status"] == "deleted"
    assert client.delete(f"/api/v1/admin/jobs/{second}", headers=headers(admin)).status_code == 404
    r = client.get("/api/v1/admin/queues", headers=headers(admin)).json
    assert r["failed_jobs"] == []


def test_only_admins_operate_the_queues(client, make_user):
    for role in ("seller", "broker", "carrier"):
        assert (
            client.get("/api/v1/admin/queues", headers=headers(make_user(role))).status_code == 403
        )
    assert client.get("/api/v1/admin/queues").status_code == 401
    assert (
        client.delete("/api/v1/admin/jobs/x", headers=headers(make_user("broker"))).status_code
        == 403
    )
