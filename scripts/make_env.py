"""Write a local .env for `make run` (once): a fresh SECRET_KEY, embedded defaults for the rest."""

import secrets
import shutil
from pathlib import Path

root = Path(__file__).resolve().parent.parent
target = root / ".env"
if not target.exists():
    shutil.copy(root / ".env.example", target)
    text = target.read_text().replace("SECRET_KEY=", f"SECRET_KEY={secrets.token_urlsafe(50)}", 1)
    target.write_text(text)
    target.chmod(0o600)
    print(f"Wrote {target} with a new SECRET_KEY.")
