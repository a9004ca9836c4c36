"""juggy.ai: language-model providers and the interviewer engine. No Django models; plain data in and out.

See docs/ai-engine.md.
"""

from juggy.ai.config import AIConfig
from juggy.ai.engine import InterviewEngine, get_engine
from juggy.ai.errors import AIError, ProviderError, ProviderUnavailable
from juggy.ai.providers import ChatChunk, ChatResult, LLMProvider, ToolCall, Usage, get_llm_provider
from juggy.ai.types import (
    Analysis,
    Competency,
    CompetencyScore,
    Evidence,
    InterviewState,
    JobContext,
    Plan,
    Question,
    TextDelta,
    Turn,
    TurnDone,
    TurnResult,
)

__all__ = [
    "AIConfig",
    "AIError",
    "Analysis",
    "ChatChunk",
    "ChatResult",
    "Competency",
    "CompetencyScore",
    "Evidence",
    "InterviewEngine",
    "InterviewState",
    "JobContext",
    "LLMProvider",
    "Plan",
    "ProviderError",
    "ProviderUnavailable",
    "Question",
    "TextDelta",
    "ToolCall",
    "Turn",
    "TurnDone",
    "TurnResult",
    "Usage",
    "get_engine",
    "get_llm_provider",
]
