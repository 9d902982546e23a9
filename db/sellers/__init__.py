"""Sellers: keys, contact handles found in listings, links between sellers, rankings.

- ``linking``: seller keys, handle extraction, linking sellers that share a handle.
- ``ranking``: sellers ranked by confirmed, then flagged listings.
"""

from maskscreen.db.sellers.linking import extract_handles, linked_sellers, seller_key
from maskscreen.db.sellers.ranking import SellerRank, rank_sellers

__all__ = ["SellerRank", "extract_handles", "linked_sellers", "rank_sellers", "seller_key"]
