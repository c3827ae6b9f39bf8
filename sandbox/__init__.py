"""The sandbox web: a generated, deterministic web of companies with known ground truth.

``generate(seed)`` draws the web; ``web.truth()`` is its ground truth; ``create_app(web)``
serves it (``python -m sandbox serve``) with a SearXNG-compatible search on ``search.test``.
"""

from sandbox.generator import generate
from sandbox.model import REFERENCE_DATE, Company, Page, Person, SandboxWeb

__all__ = ["REFERENCE_DATE", "Company", "Page", "Person", "SandboxWeb", "generate"]
