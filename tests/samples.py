"""Form posts that several test modules send: kept here, not imported from another
test module, so each test module stands on its own."""

from __future__ import annotations

#: What a member of the public types into the 'register your interest' form.
PUBLIC_ENQUIRY = {
    "first_name": "Priya",
    "last_name": "Shah",
    "email": "priya@example.com",
    "phone": "07700 900777",
    "postcode": "LE2 7AB",
    "source": "social_media",
    "message": "We have a spare room",
    "campaign": "Facebook autumn",
}

#: What a recruitment officer types to log an enquiry taken by phone.
OFFICER_ENQUIRY = {
    "first_name": "Amara",
    "last_name": "Okoye",
    "email": "amara@example.com",
    "phone": "07700 900555",
    "postcode": "le1 6zg",
    "channel": "phone",
    "source": "word_of_mouth",
    "carer_type": "mainstream",
    "enquiry_date": "2025-06-02",
}
