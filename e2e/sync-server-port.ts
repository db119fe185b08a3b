/**
 * The port of the demo sync server during browser tests: the dev server started for them proxies
 * /ballast-sync there, and the tests that need the server start it themselves.
 */
export const SYNC_SERVER_PORT = Number(process.env['E2E_SYNC_PORT'] ?? 4301);
