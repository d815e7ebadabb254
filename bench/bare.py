"""The reference page for bench/capacity.py: bare Flask + Flask-SQLAlchemy doing one
indexed lookup and rendering one small template, on the same database as Hearth. What
a page costs here is the floor; Hearth's pages are measured against it.

    DATABASE_URL=... gunicorn bench.bare:app
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask, render_template_string
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
db = SQLAlchemy(app)

PAGE = """<!doctype html><title>{{ reference }}</title>
<h1>{{ reference }}</h1><p>{{ first_name }} {{ last_name }}, enquired {{ enquiry_date }}</p>"""


@app.get("/case/<int:case_id>")
def case(case_id: int):
    row = db.session.execute(
        sa.text("SELECT reference, first_name, last_name, enquiry_date FROM cases WHERE id = :id"),
        {"id": case_id},
    ).one()
    return render_template_string(PAGE, **row._mapping)
