# The HTTP service (`complaintrules serve`, docs/http.md) in a slim image, run as a user
# without privileges. Build from the repository's root:
#   docker build -t complaintrules .
#   docker run --rm -p 8000:8000 -e COMPLAINTRULES_API_TOKEN=... complaintrules
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
COPY packs ./packs
# pip builds the wheel in the source tree: its build/ folder goes with the sources
RUN pip install ".[server]" && rm -rf /app/src /app/packs /app/build

RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin complaintrules
USER 10001

EXPOSE 8000
# the slim image has no curl: ask /health with Python's own client
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"

# The decision log goes to standard output, one JSON line per request (personal fields
# masked); the bearer token is read from COMPLAINTRULES_API_TOKEN when it is set.
CMD ["complaintrules", "serve", "--host", "0.0.0.0", "--port", "8000", "--decision-log", "-"]
