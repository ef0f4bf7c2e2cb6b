"""The legal domain's public face: what reports (or a later domain) may use. The rest of the
package is legal's own; the import contracts in pyproject.toml hold that line."""

from __future__ import annotations

from legal.models import Referral, ReferralStatus, Representation

__all__ = ["Referral", "ReferralStatus", "Representation"]
