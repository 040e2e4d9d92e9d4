# The production image: one image, three process types (see Procfile).
#   web:     gunicorn seeitnow.wsgi          (gunicorn.conf.py reads PORT etc.)
#   worker:  python manage.py worker         (the q2 cluster, after the checks)
#   release: migrate + collectstatic
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus

# libheif for HEIC rooms, libgl-free OpenCV (headless) needs libglib only.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libglib2.0-0 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml ./
RUN pip install --upgrade pip && pip install .
COPY . .
# Static files are hashed and compressed at build time; WhiteNoise serves them.
RUN DEBUG=false SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime \
    python manage.py collectstatic --noinput \
    && mkdir -p "$PROMETHEUS_MULTIPROC_DIR" \
    && useradd --system --uid 10001 app && chown -R app /app "$PROMETHEUS_MULTIPROC_DIR"
USER app

EXPOSE 8000
CMD ["gunicorn", "seeitnow.wsgi"]
