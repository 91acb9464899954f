"""Database models. The schema itself exists only through Alembic migrations."""
from .catalogue import CatalogueItem, ImpactSetting
from .plan import Plan
from .proposal import Proposal, ProposalLink
from .region import Region
from .suggestion import Suggestion
from .user import User

__all__ = ["CatalogueItem", "ImpactSetting", "Plan", "Proposal", "ProposalLink", "Region", "Suggestion", "User"]
