"""Messages the service sends by itself to applicants and carers: queued here
(services.py), sent through SMTP or GOV.UK Notify (delivery.py). The rules of when
each is due are in crm/domain/outreach.py; the jobs that retry and queue what is due
are in jobs/outreach.py."""
