"""User-facing errors of the LLM pipeline (all PlannerError subclasses).

They are things the user can fix: a wrong endpoint or key, an offline run
whose cache lacks a response, a broken template or training-task list.
"""
from __future__ import annotations

from planner.errors import LLMError


class TemplateError(LLMError):
    """A prompt template is missing or has unfilled / unknown placeholders."""


class CacheMissError(LLMError):
    """Offline mode found no cached response for a request it needs."""


class EndpointError(LLMError):
    """The endpoint refused the request (bad key, model, URL) or kept failing
    after all retries; the message says which and what to check."""
