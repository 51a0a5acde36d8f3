"""Service settings, read from ``MATCHER_*`` environment variables (pydantic-settings)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Everything the service reads at start; ``matcher serve`` sets these from its options."""

    model_config = SettingsConfigDict(env_prefix="MATCHER_", extra="ignore")

    db: str = Field("matcher.db", description="SQLite file path or a database URL")
    max_body_bytes: int = Field(10 * 1024 * 1024, ge=1, description="larger bodies answer 413")
    load_sample: bool = Field(False, description="load the sample district when the store is empty")
    sample_district: str = Field("gulou", description="district id the sample is loaded as")
    solve_concurrency: int = Field(4, ge=1, description="proposals computed at once")
