# Engage case manager: one image for web (gunicorn + WhiteNoise), worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# WeasyPrint needs Pango; fonts for the PDF packs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       fonts-liberation curl \
    && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
RUN DEBUG=false SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput

RUN useradd --system --uid 10001 engage && mkdir -p /app/media && chown engage /app/media
USER engage
EXPOSE 8000
HEALTHCHECK CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1
CMD ["gunicorn", "engage.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
