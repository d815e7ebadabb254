"""Reference lists used across forms, importers and reports."""

#: The enquiry sources a new service starts with (migration 0012 seeds them); the
#: council then keeps its own list (crm.enquiry_sources, Admin > Enquiry sources).
DEFAULT_ENQUIRY_SOURCES = {
    "website": "Council website form",
    "phone": "Phone call",
    "event": "Information event",
    "referral": "Referral from a carer",
    "social_media": "Social media",
    "advert": "Advert or leaflet",
    "word_of_mouth": "Word of mouth",
    "other": "Other",
    "not_recorded": "Not recorded",
}
