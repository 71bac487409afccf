"""A pure-Python service: Flask and its dependencies, nothing compiled."""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def index() -> dict[str, str]:
    return {"status": "ok", "kind": "pure-python"}


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=5000)
