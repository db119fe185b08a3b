// `ng serve` forwards the demo sync server's WebSocket path to it (projects/demo-app/sync-server).
const port = process.env['BALLAST_SYNC_PORT'] ?? '4201';

export default {
  '/ballast-sync': { target: `http://127.0.0.1:${port}`, ws: true, changeOrigin: false },
};
