# One image for every Switchyard service; the command picks the service.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY . .
ENV SWITCHYARD_HOST=0.0.0.0
# The young-generation floor of bin/switchyard.js (V8 reads it only at start-up).
ENTRYPOINT ["node", "--min-semi-space-size=16", "bin/switchyard.js"]
CMD ["all"]
