"""An emulator of the assistant API (api-contract.md, the seed's dialect) for the demo
and the end-to-end tests. It is independent of `voicedesk.fields` on purpose."""

from voicedesk.sandbox.data import SandboxData, demo_data, generated_data
from voicedesk.sandbox.server import DEMO_API_KEY, Fault, RateLimit, RecordedRequest, Sandbox

__all__ = [
    "DEMO_API_KEY",
    "Fault",
    "RateLimit",
    "RecordedRequest",
    "Sandbox",
    "SandboxData",
    "demo_data",
    "generated_data",
]
