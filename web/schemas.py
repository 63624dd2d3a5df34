"""The JSON API's shapes, so that /api/openapi.json describes every answer."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Open(BaseModel):
    # Built from web.views dicts: a field added there appears here without breaking clients.
    model_config = ConfigDict(extra="allow")


class SourceOut(_Open):
    id: int
    name: str
    kind: str
    url: str
    params: dict[str, str]
    jurisdiction: str
    schedule: str
    enabled: bool
    health: str
    health_reason: str
    last_run_at: str | None
    last_success_at: str | None
    last_change_at: str | None
    next_run_at: str | None
    changes: int


class ChangeOut(_Open):
    id: int
    source: str
    dossier: str | None
    kind: str
    significance: str
    summary: str
    detected_at: str | None
    diff: str
    url: str | None = None


class FileSummary(BaseModel):
    key: str
    title: str
    jurisdiction: str
    stage: str
    updated_at: str
    url: str


class Identifier(BaseModel):
    scheme: str
    value: str


class Step(_Open):
    date: str | None
    title: str
    step: str
    forecast: bool
    sources: list[str]
    references: list[str]
    url: str
    first_seen_at: str | None


class Link(_Open):
    key: str
    title: str
    relation: str
    via: str
    direction: str


class DocumentOut(BaseModel):
    title: str
    reference: str
    date: str | None
    url: str
    kind: str
    source: str
    first_seen_at: str


class VersionOut(BaseModel):
    id: int
    source: str
    seq: int
    created_at: str


class FileDetail(_Open):
    key: str
    title: str
    jurisdiction: str
    stage: str
    url: str
    identifiers: list[Identifier]
    timeline: list[Step]
    links: list[Link]
    documents: list[DocumentOut]
    versions: list[VersionOut]
    changes: list[ChangeOut]


class SnippetPiece(BaseModel):
    text: str
    match: bool


class HitOut(BaseModel):
    rank: int
    type: str
    id: int
    title: str
    file: str
    file_title: str
    source: str
    date: str
    matches: int
    score: float
    snippet: list[SnippetPiece]
    url: str


class FacetValue(BaseModel):
    value: str
    count: int


class SuggestedFile(BaseModel):
    key: str
    title: str
    url: str


class SuggestionsOut(BaseModel):
    words: list[str]  # searches that find something
    files: list[SuggestedFile]  # files whose titles are close to the words


class SearchOut(BaseModel):
    query: dict[str, bool | int | str]
    total: int
    matched: int  # index entries containing the words
    approximate: bool  # true: too many to rank all; current state first, history newest first
    estimated: bool  # true: total and facet counts are lower bounds ("at least")
    total_label: str  # the total as the page shows it: "2,143", or "2,143+" when estimated
    page: int
    per_page: int
    order: str  # relevance or newest
    exact: bool  # true: only the words typed were searched
    also: list[str]  # searched besides the words typed: a topic's names, compounds
    suggestions: SuggestionsOut | None  # when nothing was found
    results: list[HitOut]
    facets: dict[str, list[FacetValue]]
