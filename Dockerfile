# AAE application image. Build: docker build -t aae .   Run: see docker-compose.yml.
FROM denoland/deno:2.9.6

WORKDIR /app

# Dependencies first, so a source change does not refetch them.
COPY deno.json deno.lock ./
RUN deno install --frozen

COPY . .
# Island bundles and Tailwind CSS are built into _fresh/ here, so start-up bundles nothing.
RUN deno task build \
  && mkdir -p /app/data \
  && chown -R deno:deno /app/data /app/_fresh

USER deno
ENV PORT=8000 DATA_DIR=/app/data
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["deno", "eval", "const r = await fetch('http://127.0.0.1:8000/healthz'); Deno.exit(r.ok ? 0 : 1);"]

CMD ["deno", "task", "start"]
