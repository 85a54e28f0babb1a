"""Sphinx extension: the "Does it reproduce?" page, filled from the claims measured in this build.

While the site builds, every chapter notebook is executed. Before a chapter is read this
extension points ``TOYMODELS_CLAIMS_LOG`` at ``_build/claims/<page>.jsonl`` (and empties
it); the chapter's kernel inherits the variable, and each ``claims.check`` appends what it
measured. The ``{claims-table}`` directive leaves a placeholder that is filled once every
page has been read (``doctree-resolved``): one row per registered claim with the paper's
statement, section and value, and the status and value measured on the models the
chapter shows (three columns, so that the table reads on a phone). A page not re-read in an incremental build keeps its last log.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

LOG_ENV = "TOYMODELS_CLAIMS_LOG"


class claims_table(nodes.General, nodes.Element):
    """Placeholder replaced by the table once all pages were read."""


class ClaimsTableDirective(SphinxDirective):
    has_content = False

    def run(self):
        return [claims_table("")]


def _log_dir(app) -> Path:
    return Path(app.outdir).parent / "claims"


def _point_log_at_page(app, docname, source) -> None:
    path = _log_dir(app) / (docname.replace("/", "__") + ".jsonl")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    os.environ[LOG_ENV] = str(path)


def _measured(app) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for path in sorted(_log_dir(app).glob("*.jsonl")):
        page = path.stem.replace("__", "/")
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                row["page"] = page
                out[row["id"]] = row
    return out


def _text(value: str) -> nodes.paragraph:
    para = nodes.paragraph()
    para += nodes.Text(value)
    return para


def _row(cells) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        entry += cell if isinstance(cell, nodes.Node) else _text(str(cell))
        row += entry
    return row


def _fill_tables(app, doctree, docname) -> None:
    tables = list(doctree.findall(claims_table))
    if not tables:
        return
    from toymodels_lib import claims

    measured = _measured(app)
    pages = {int(p.split("/")[-1][:2]): p for p in app.env.found_docs if p.split("/")[-1][:2].isdigit()}
    headers = ["Claim (the book says)", "Paper", "This build"]
    widths = [40, 34, 26]
    body = nodes.tbody()
    for cid, c in sorted(claims.REGISTRY.items(), key=lambda kv: (kv[1].chapter, kv[0])):
        row = measured.get(cid)
        claim_cell = nodes.paragraph()
        page = pages.get(c.chapter)
        label = f"Ch. {c.chapter}"
        if page:
            uri = app.builder.get_relative_uri(docname, page)
            claim_cell += nodes.reference("", label, refuri=uri, internal=True)
        else:
            claim_cell += nodes.Text(label)
        claim_cell += nodes.Text(f" · {cid}: {c.statement}")
        if c.selection:
            claim_cell += nodes.Text(f" (models: {c.selection})")
        paper_text = f"{c.paper} (§ {c.section})"
        if c.paper_value:
            paper_text += f" Paper's value: {c.paper_value}."
        paper_cell = _text(paper_text)
        if row is None:
            built = f"not measured on a page (checked in tests/claims); claimed {c.criterion.text}"
        else:
            status = "✔ holds" if row["ok"] else "✘ fails"
            built = f"{status}: {row['text']} (claimed {c.criterion.text})"
        cells = [claim_cell, paper_cell, built]
        tr = _row(cells)
        tr["ids"].append(f"claim-{cid.replace('.', '-')}")
        tr["classes"].append("tm-claim-row")
        body += tr
    group = nodes.tgroup(cols=len(headers))
    for w in widths:
        group += nodes.colspec(colwidth=w)
    head = nodes.thead()
    head += _row(headers)
    group += head
    group += body
    table = nodes.table(classes=["tm-claims-table"])
    table += group
    n_ok = sum(1 for r in measured.values() if r["ok"] and r["id"] in claims.REGISTRY)
    summary = _text(
        f"{len(claims.REGISTRY)} claims registered; {n_ok} measured and holding on the pages of this build."
    )
    # long words (claim ids, "superposition") may break anywhere, so the table fits a phone
    style = nodes.raw("", "<style>.tm-claims-table td { overflow-wrap: anywhere; }</style>", format="html")
    for placeholder in tables:
        placeholder.replace_self([style, summary, table])


def setup(app):
    app.add_node(claims_table)
    app.add_directive("claims-table", ClaimsTableDirective)
    app.connect("source-read", _point_log_at_page)
    app.connect("doctree-resolved", _fill_tables)
    return {"version": "1.0", "parallel_read_safe": False, "parallel_write_safe": True}
