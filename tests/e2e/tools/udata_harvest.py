"""Harvest a DCAT catalogue with udata's own ``DcatBackend``, MongoDB replaced by mongomock.

Runs in udata's environment (see udata_env.py), not the project's:
``.cache/udata-venv/bin/python tests/e2e/tools/udata_harvest.py URL`` prints a JSON report
of two runs over the catalogue at URL (fetched over HTTP, as data.gouv.fr does):

- ``preview``: the preview a data.gouv.fr administrator runs before accepting a source
  (dry run: nothing saved; udata then only reuses contact points it already has);
- ``harvest``: the real harvest, saved into the in-memory database (contact points created).

For each run: the job status and errors, and per item its status, errors and what udata
kept: title, description, licence, frequency, temporal and spatial coverage, contact
points, resources (URL, format, media type).
"""

import json
import secrets
import sys


def describe(item):
    dataset = item.dataset
    report = {
        "remote_id": item.remote_id,
        "status": item.status,
        "errors": [e.message for e in item.errors],
    }
    if dataset is None:
        return report
    temporal = dataset.temporal_coverage
    spatial = dataset.spatial
    report.update(
        title=dataset.title,
        description=dataset.description,
        license=dataset.license.id if dataset.license else None,
        frequency=str(dataset.frequency) if dataset.frequency else None,
        temporal=(
            [
                str(temporal.start) if temporal.start else None,
                str(temporal.end) if temporal.end else None,
            ]
            if temporal
            else None
        ),
        spatial=spatial.geom if spatial and spatial.geom else None,
        contact_points=[
            {"name": c.name, "email": c.email, "role": c.role, "contact_form": c.contact_form}
            for c in dataset.contact_points
        ],
        resources=[
            {"url": r.url, "format": r.format, "mime": r.mime, "title": r.title}
            for r in dataset.resources
        ],
    )
    return report


def settings():
    import mongomock

    class Settings:
        TESTING = False
        DEBUG = False
        MONGODB_HOST = "mongodb://localhost:27017/udata"
        MONGODB_SETTINGS = {  # noqa: RUF012 (a Flask settings class)
            "host": MONGODB_HOST,
            "mongo_client_class": mongomock.MongoClient,
        }
        # The catalogue is served on 127.0.0.1 by the test.
        URLS_ALLOW_LOCAL = True
        URLS_ALLOW_PRIVATE = True
        # No DNS on a test machine: udata would try to resolve every URL of the catalogue
        # (five retries each) before accepting it.
        URLS_RESOLVE_HOSTNAME = False
        HARVESTER_BACKENDS = ("dcat",)
        HARVEST_PREVIEW_MAX_ITEMS = 1000
        HARVEST_MAX_ITEMS = 1000
        CACHE_TYPE = "NullCache"
        SERVER_NAME = "udata.test"
        # A throw-away application in one process: random secrets, never stored.
        SECRET_KEY = secrets.token_hex(16)
        API_TOKEN_SECRET = secrets.token_hex(16)
        SECURITY_PASSWORD_SALT = secrets.token_hex(16)

    return Settings


def main(url):
    from udata.app import create_app, standalone

    app = standalone(create_app(override=settings()))
    with app.app_context():
        from udata.core.dataset.models import License
        from udata.core.organization.models import Organization
        from udata.harvest import actions
        from udata.harvest.backends import get_backend
        from udata.harvest.models import HarvestSource

        # The licence as data.gouv.fr lists it (its /api/1/datasets/licenses/ entry).
        License.objects.create(
            id="lov2",
            title="Licence Ouverte / Open Licence version 2.0",
            url="https://www.etalab.gouv.fr/licence-ouverte-open-licence",
        )
        organization = Organization.objects.create(name="Moissonnage d'essai", description="Essai.")
        source = HarvestSource.objects.create(
            name="observatoire", url=url, backend="dcat", organization=organization
        )
        jobs = {
            "preview": actions.preview(source),
            "harvest": get_backend(source.backend)(source).harvest(),
        }
        report = {
            name: {
                "status": job.status,
                "errors": [e.message for e in job.errors],
                "items": [describe(item) for item in job.items],
            }
            for name, job in jobs.items()
        }
    json.dump(report, sys.stdout, ensure_ascii=False, indent=1, default=str)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
