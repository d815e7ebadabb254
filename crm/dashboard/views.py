from flask import render_template

from crm.dashboard import bp
from crm.metrics.pipeline import pipeline_now


@bp.route("/")
def index():
    return render_template("dashboard/index.html", pipeline=pipeline_now())
