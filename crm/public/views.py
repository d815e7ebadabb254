"""The front door a council links to from its website: no login, only creates."""

import os

from flask import abort, current_app, redirect, render_template, request, send_file, url_for

from crm import audit, create_once
from crm.auth.access import public
from crm.cases.services import NewEnquiry, create_enquiry
from crm.extensions import db, limiter
from crm.models import Case, EnquiryChannel
from crm.outreach.delivery import send_now
from crm.outreach.services import opt_out, queue_acknowledgement, record_for_token
from crm.public import bp
from crm.public.forms import RegisterInterestForm, StopMessagesForm
from crm.timeutil import today


@bp.route("/", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
@public
def register_interest():
    form = RegisterInterestForm()
    if request.method == "GET":
        form.campaign.data = request.args.get("campaign", "")[:120]
    if form.validate_on_submit():
        if sent := create_once.already_sent(form, say=False):
            return sent
        acknowledgement = None
        if not form.website.data:  # a filled honeypot is thanked and ignored
            with audit.acting_as("public form"):
                case = create_enquiry(
                    NewEnquiry(
                        first_name=form.first_name.data,
                        last_name=form.last_name.data,
                        email=form.email.data,
                        phone=form.phone.data,
                        postcode=form.postcode.data,
                        source=form.source.data,
                        channel=EnquiryChannel.WEB_FORM,
                        campaign=form.campaign.data or None,
                        message=form.message.data,
                        enquiry_date=today(),
                    ),
                    by=None,
                )
                acknowledgement = queue_acknowledgement(case)
        create_once.done(form, url_for("public.thank_you"))
        db.session.commit()
        send_now([acknowledgement])  # after the commit: the enquiry stands whatever happens
        return redirect(url_for("public.thank_you"))
    return render_template("public/register.html", form=form)


@bp.route("/thank-you")
@public
def thank_you():
    return render_template("public/thank_you.html")


@bp.route("/accessibility")
@public
def accessibility():
    """The accessibility statement the Public Sector Bodies Accessibility Regulations 2018
    ask of every public body's website and app."""
    return render_template("public/accessibility.html")


@bp.route("/logo")
@public
def logo():
    """The council's logo (COUNCIL_LOGO, an image file on the server), served from here so
    the Content-Security-Policy need not allow images from anywhere else."""
    path = current_app.config.get("COUNCIL_LOGO")
    if not path or not os.path.isfile(path):
        abort(404)
    return send_file(path, max_age=3600)


@bp.route("/stop-messages/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
@public
def stop_messages(token: str):
    """The opt-out link in every automated message: no sign-in, one button. Opening the
    link changes nothing (mail scanners open links); the button does."""
    record = record_for_token(token)
    if record is None:
        abort(404)
    form = StopMessagesForm()
    if form.validate_on_submit():
        with audit.acting_as("opt-out link"):
            opt_out(record)
        db.session.commit()
        return render_template("public/messages_stopped.html")
    who = record.first_name if isinstance(record, Case) else None
    return render_template("public/stop_messages.html", form=form, who=who)
