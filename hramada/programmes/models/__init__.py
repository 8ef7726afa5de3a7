"""Leadership programmes: a programme -> its cohorts (editions) -> a person's application and
participation -> each session attended, need assessed, plan made and certificate earned.

The models are split by subject (``programme``, ``selection``, ``cohort``, ``work``) so that each file
stays readable; import them from here.
"""

from .cohort import Certificate, CohortSession, Mentor, Participant
from .programme import Application, Cohort, EligibilityRule, Partner, Programme
from .selection import SelectionChange, SelectionRules
from .work import (
    ActionPlan,
    AlumniProfile,
    MentorComment,
    Need,
    NeedRanking,
    NeedsAssessment,
    PlanActivity,
    PlanResource,
    PlanUpdate,
)

__all__ = [
    "ActionPlan",
    "AlumniProfile",
    "Application",
    "Certificate",
    "Cohort",
    "CohortSession",
    "EligibilityRule",
    "Mentor",
    "MentorComment",
    "Need",
    "NeedRanking",
    "NeedsAssessment",
    "Participant",
    "Partner",
    "PlanActivity",
    "PlanResource",
    "PlanUpdate",
    "Programme",
    "SelectionChange",
    "SelectionRules",
]
