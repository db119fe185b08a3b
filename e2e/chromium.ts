// How this project launches Chromium: Debian's build (never a downloaded browser), with the flags
// it needs as root on a closed network. Shared by the browser tests and the benchmarks' case 4.
export const chromiumExecutable = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
