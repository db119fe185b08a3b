/*
 * The demo's server: Angular's app engine renders each page (in development, `ng serve` calls
 * `reqHandler` for every page it serves; the demo's routes are prerendered at build time).
 * Run the built one with `node dist/demo-app/server/server.mjs` (PORT, default 4000): it serves the
 * built files and renders the pages, on 127.0.0.1 only.
 */
import {
  AngularNodeAppEngine,
  createNodeRequestHandler,
  isMainModule,
  writeResponseToNodeResponse,
} from '@angular/ssr/node';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// The demo server listens on 127.0.0.1 only: that is the host it renders for.
const engine = new AngularNodeAppEngine({ allowedHosts: ['127.0.0.1', 'localhost'] });

/** Renders the page of a request with Angular (404 when no route matches). */
export const reqHandler = createNodeRequestHandler(
  async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const response = await engine.handle(req);
    if (response) return writeResponseToNodeResponse(response, res);
    res.statusCode = 404;
    res.end('Not found');
  },
);

const TYPES: Record<string, string> = {
  '.css': 'text/css',
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

/** Serves a built file (a path with an extension, inside the browser folder); false otherwise. */
async function serveFile(root: string, url: string, res: ServerResponse): Promise<boolean> {
  const path = normalize(join(root, decodeURIComponent(new URL(url, 'http://x').pathname)));
  if (!path.startsWith(root + sep) || extname(path) === '' || extname(path) === '.html')
    return false;
  try {
    const body = await readFile(path);
    res.setHeader('Content-Type', TYPES[extname(path)] ?? 'application/octet-stream');
    res.end(body);
    return true;
  } catch {
    return false;
  }
}

if (isMainModule(import.meta.url)) {
  const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'browser');
  const port = Number(process.env['PORT'] ?? 4000);
  createServer((req, res) => {
    void serveFile(root, req.url ?? '/', res).then(async (served) => {
      if (!served) await reqHandler(req, res);
    });
  }).listen(port, '127.0.0.1', () => console.log(`demo on http://127.0.0.1:${port}`));
}
