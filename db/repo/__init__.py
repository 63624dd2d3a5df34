"""The one door to the data: keyword-only functions that take a Session.

Nothing else in Lexwatch writes SQL. The functions live in modules by concern
and are all reached as `db.repo.<function>`: sources; captures (snapshots and
their bodies, what a crawl starts from); runs (crawl runs, stored health);
versions; changes; files (dossiers, identifiers, links, timelines, documents);
search (searchresults, searchmatch, searchhits, searchoffers; searchwords: the index's list of
long words); digests (watches, subscribers, digest runs); digestreads (what a digest reads); people (the admin's
watch and subscriber forms); users; state (facts about this installation); agenda
(the versions the agenda reads); alerts (alert channels and every alert told).
"""

from db.repo.agenda import *  # noqa: F403
from db.repo.alerts import *  # noqa: F403
from db.repo.captures import *  # noqa: F403
from db.repo.changes import *  # noqa: F403
from db.repo.digestreads import *  # noqa: F403
from db.repo.digests import *  # noqa: F403
from db.repo.files import *  # noqa: F403
from db.repo.people import *  # noqa: F403
from db.repo.runs import *  # noqa: F403
from db.repo.searchcurrent import *  # noqa: F403
from db.repo.searchhits import *  # noqa: F403
from db.repo.searchoffers import *  # noqa: F403
from db.repo.searchresults import *  # noqa: F403
from db.repo.searchwords import *  # noqa: F403
from db.repo.sources import *  # noqa: F403
from db.repo.state import *  # noqa: F403
from db.repo.users import *  # noqa: F403
from db.repo.versions import *  # noqa: F403
