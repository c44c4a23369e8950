/// <reference types="node" />
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { page } from './page/page.js';

/** @internal What the server serves. */
export interface ServerParts {
  /** The host it binds to: a loopback host also makes it refuse other `Host` headers. */
  readonly host: string;
  /** The snapshot as JSON bytes (shared: made once per frame, not per request). */
  snapshot(): Buffer;
  /** Opens an event stream on `res`. */
  watch(res: ServerResponse): void;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/**
 * `/snapshot.json` responses being sent at once; more get a 503 with
 * `Retry-After`, so readers that do not read cost a bounded number of sockets.
 */
const MAX_SNAPSHOT_READERS = 32;

/**
 * @internal The observer's HTTP server: `GET /` the page, `GET /events` the
 * event stream, `GET /snapshot.json` the tree as JSON. Nothing else, and no
 * method but GET and HEAD: nothing here can change the tree.
 */
export function observerServer(parts: ServerParts): Server {
  const isLoopback = (host: string): boolean => LOOPBACK.has(host) || /^127(\.\d+){3}$/.test(host);
  const loopbackOnly = isLoopback(parts.host);
  let readers = 0;
  const server = createServer((req, res) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return reply(res, 405, 'read-only: GET and HEAD only\n', { Allow: 'GET, HEAD' });
    }
    // Bound to loopback, it answers only to loopback names: a page on another
    // site cannot reach it through a DNS name that resolves to 127.0.0.1.
    if (loopbackOnly && !isLoopback(hostname(req))) return reply(res, 403, 'forbidden host\n');
    switch ((req.url ?? '/').split('?')[0]) {
      case '/': {
        const nonce = randomBytes(16).toString('base64');
        return reply(res, 200, page(nonce), {
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Security-Policy':
            `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; ` +
            `connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
        });
      }
      case '/events':
        if (req.method === 'HEAD')
          return reply(res, 200, '', { 'Content-Type': 'text/event-stream' });
        return parts.watch(res);
      case '/snapshot.json': {
        if (readers >= MAX_SNAPSHOT_READERS) {
          return reply(res, 503, 'busy: too many snapshot readers\n', { 'Retry-After': '1' });
        }
        readers++;
        res.once('close', () => readers--);
        return reply(res, 200, parts.snapshot(), {
          'Content-Type': 'application/json; charset=utf-8',
        });
      }
      default:
        return reply(res, 404, 'not found\n');
    }
  });
  // A malformed request gets a 400 and its socket closed, not an error on the server.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  return server;
}

function reply(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** The `Host` header without its port (`[::1]:80` gives `[::1]`). */
function hostname(req: IncomingMessage): string {
  const host = (req.headers.host ?? '').toLowerCase();
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d*$/, '');
}
