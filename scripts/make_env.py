"""Write a local .env for `make run`: once, a fresh SECRET_KEY and embedded defaults for the rest; and,
whenever it is still empty, a fresh VAPI_SECRET (the secret VAPI's custom-LLM credential must send).

Run it again at any time: values already set are kept.
"""

import os
import re
import secrets
import shutil
from pathlib import Path

root = Path(__file__).resolve().parent.parent
target = Path(os.environ.get("JUGGY_ENV_FILE") or root / ".env")  # the file settings read


def fill(text: str, name: str) -> tuple[str, bool]:
    """Give `name` a random value if the file has it empty (or not at all)."""
    value = f"{name}={secrets.token_urlsafe(32 if name == 'VAPI_SECRET' else 50)}"
    if re.search(rf"^{name}=\S", text, re.M):
        return text, False
    if re.search(rf"^{name}=\s*$", text, re.M):
        return re.sub(rf"^{name}=\s*$", value, text, count=1, flags=re.M), True
    return text.rstrip("\n") + f"\n{value}\n", True


if not target.exists():
    shutil.copy(root / ".env.example", target)
    target.chmod(0o600)
    print(f"Wrote {target}.")
text = target.read_text()
for name in ("SECRET_KEY", "VAPI_SECRET"):
    text, changed = fill(text, name)
    if changed:
        print(f"{target.name}: a new {name}.")
target.write_text(text)
