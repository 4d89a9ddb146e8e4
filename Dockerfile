# One image for every Switchyard service; the command picks the service.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY . .
ENV SWITCHYARD_HOST=0.0.0.0
ENTRYPOINT ["node", "bin/switchyard.js"]
CMD ["all"]
