"""Reference lists used across forms, importers and reports."""

ENQUIRY_SOURCES = {
    "website": "Council website form",
    "phone": "Phone call",
    "event": "Information event",
    "referral": "Referral from a carer",
    "social_media": "Social media",
    "advert": "Advert or leaflet",
    "word_of_mouth": "Word of mouth",
    "other": "Other",
}
