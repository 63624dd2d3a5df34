"""The one door to the data: keyword-only functions that take a Session.

Nothing else in Lexwatch writes SQL. The functions live in modules by concern
(core: sources, crawls, versions, dossiers, changes; digests: watches,
subscribers, digest runs; web: search, users, timelines for pages; changes: the
Changes page and a file's newest records; people: the admin's watch and
subscriber forms; searchwords: the search index's list of long words; agenda: the
versions the agenda reads; alerts: alert channels and every alert told) and are
all reached as `db.repo.<function>`.
"""

from db.repo.agenda import *  # noqa: F403
from db.repo.alerts import *  # noqa: F403
from db.repo.changes import *  # noqa: F403
from db.repo.core import *  # noqa: F403
from db.repo.digests import *  # noqa: F403
from db.repo.people import *  # noqa: F403
from db.repo.searchwords import *  # noqa: F403
from db.repo.web import *  # noqa: F403
