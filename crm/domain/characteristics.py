"""Who a carer is, as Ofsted asks and as matching a child's identity needs: sex,
ethnicity, religion, languages and disability. Special category data under UK GDPR:
never required, shown only to the roles that need it, and every view recorded."""

from __future__ import annotations

from crm.domain.labelled import LabelledEnum


class Sex(LabelledEnum):
    FEMALE = "female"
    MALE = "male"
    NOT_SAID = "not_said", "Prefers not to say"


class Ethnicity(LabelledEnum):
    """The ONS's 2021 census groups, which Ofsted's fostering return uses."""

    WHITE_BRITISH = "white_british", "White: English, Welsh, Scottish, Northern Irish or British"
    WHITE_IRISH = "white_irish", "White: Irish"
    WHITE_GYPSY = "white_gypsy", "White: Gypsy or Irish Traveller"
    WHITE_ROMA = "white_roma", "White: Roma"
    WHITE_OTHER = "white_other", "White: any other White background"
    MIXED_CARIBBEAN = "mixed_caribbean", "Mixed: White and Black Caribbean"
    MIXED_AFRICAN = "mixed_african", "Mixed: White and Black African"
    MIXED_ASIAN = "mixed_asian", "Mixed: White and Asian"
    MIXED_OTHER = "mixed_other", "Mixed: any other mixed background"
    ASIAN_INDIAN = "asian_indian", "Asian or Asian British: Indian"
    ASIAN_PAKISTANI = "asian_pakistani", "Asian or Asian British: Pakistani"
    ASIAN_BANGLADESHI = "asian_bangladeshi", "Asian or Asian British: Bangladeshi"
    ASIAN_CHINESE = "asian_chinese", "Asian or Asian British: Chinese"
    ASIAN_OTHER = "asian_other", "Asian or Asian British: any other Asian background"
    BLACK_AFRICAN = "black_african", "Black or Black British: African"
    BLACK_CARIBBEAN = "black_caribbean", "Black or Black British: Caribbean"
    BLACK_OTHER = "black_other", "Black or Black British: any other Black background"
    ARAB = "arab", "Other ethnic group: Arab"
    OTHER = "other", "Other ethnic group: any other"
    NOT_SAID = "not_said", "Prefers not to say"

    @property
    def group(self) -> str:
        """The broad group Ofsted's tables count ("White", "Mixed"...)."""
        return self.label.split(":")[0].split(" or ")[0] if ":" in self.label else self.label


class Religion(LabelledEnum):
    NONE = "none", "No religion"
    CHRISTIAN = "christian"
    BUDDHIST = "buddhist"
    HINDU = "hindu"
    JEWISH = "jewish"
    MUSLIM = "muslim"
    SIKH = "sikh"
    OTHER = "other", "Any other religion"
    NOT_SAID = "not_said", "Prefers not to say"


class Disability(LabelledEnum):
    YES = "yes", "Disabled"
    NO = "no", "Not disabled"
    NOT_SAID = "not_said", "Prefers not to say"
