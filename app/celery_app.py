"""Celery wired the Flask way: tasks run inside an app context, under their request's id."""

from celery import Celery, Task
from flask import Flask

from app.observability import working_for


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            # The id of the request that queued this task (a message header), or the task's own
            # for work beat started: on every log line, and on the tasks this one queues.
            rid = getattr(self.request, "request_id", None) or self.request.id
            with app.app_context(), working_for(rid):
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    celery.config_from_object(app.config["CELERY"])
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
