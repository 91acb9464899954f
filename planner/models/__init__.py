"""Database models. The schema itself exists only through Alembic migrations."""
from .aks import AksFinding, AksRecommendation, TeamMember
from .audit import AuditEvent
from .catalogue import CatalogueItem, ImpactSetting
from .commitment import Commitment, FrozenRecordError
from .convergence import ConvergenceIndicator, ConvergenceScorecard
from .oversight import (ApiToken, CommitmentActivity, PlanSummary, QuarterReport, Realisation, ReviewComment,
                        YearSettings)
from .plan import Plan
from .proposal import Proposal, ProposalLink
from .region import Region
from .security import Job, LoginSession, LoginThrottle
from .rembuk import Attendee, Decision, Pledge, RembukMeeting, Scenario
from .suggestion import Suggestion
from .user import User

__all__ = ["AksFinding", "AksRecommendation", "TeamMember", "ApiToken", "Attendee", "AuditEvent", "CatalogueItem",
           "Commitment", "CommitmentActivity", "ConvergenceIndicator", "ConvergenceScorecard", "Decision",
           "FrozenRecordError", "ImpactSetting", "Job", "LoginSession", "LoginThrottle", "Plan", "PlanSummary", "Pledge",
           "Proposal", "ProposalLink", "QuarterReport", "Realisation", "Region", "RembukMeeting",
           "ReviewComment", "Scenario", "Suggestion", "User", "YearSettings"]
