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
    sample_history: bool = Field(
        True,
        description="with load_sample: also load 12 months of generated history (seed 1)"
        " ending yesterday, so records, warnings and points have something to show",
    )
    solve_concurrency: int = Field(4, ge=1, description="proposals computed at once")
    job_threshold: int = Field(
        2_000_000,
        ge=0,
        description="proposals and what-ifs over more (cadre × open demand) pairs run as jobs"
        " (202 + job URL)",
    )
    warm_plans: bool = Field(
        True,
        description="keep each district's last big plan in memory and re-solve the next"
        " proposal from it (a city's takes a few hundred MiB)",
    )
    warm_plans_keep: int = Field(
        4,
        ge=1,
        description="districts whose last plan is kept at most; the one used longest ago"
        " goes first (its next proposal is cold)",
    )
    load_kernels: bool = Field(
        True,
        description="load the compiled kernels in the background at start, so the first"
        " big proposal does not wait for them (after a fresh install: compile them)",
    )
    job_queue: int = Field(16, ge=1, description="unfinished jobs at once; more answer 503")
    job_keep: int = Field(100, ge=1, description="finished jobs kept (oldest go first)")
    job_ttl: float = Field(3600.0, gt=0, description="seconds a finished job stays readable")
    job_lease: float = Field(
        30.0,
        gt=0,
        description="seconds a worker's hold on the job it computes lasts unless renewed"
        " (renewed every third of it); a job whose worker died fails this long after",
    )
    job_poll: float = Field(
        1.0, gt=0, description="seconds between a worker's looks for jobs queued through others"
    )
