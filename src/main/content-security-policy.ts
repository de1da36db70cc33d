/**
 * The renderer's Content Security Policy: its own scripts only, no plugins, no frames, no
 * <base>, no form posts. maplibre needs blob: workers and reads the previews (data: PNGs)
 * with fetch; `https:` is for the online basemap a user may set. index.html carries the same
 * policy in a meta tag (the Electron window loads it from file://, which has no headers).
 */
export const RENDERER_CSP = [
  "default-src 'self'",
  "img-src 'self' data: blob: https:",
  "style-src 'self' 'unsafe-inline'",
  "worker-src 'self' blob:",
  "connect-src 'self' https: data: blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Sent as a header by the web host, with what only a header can say: no framing by other sites. */
export const WEB_HOST_CSP = `${RENDERER_CSP}; frame-ancestors 'none'`;
