/**
 * A sync server in its own process, for the restart test:
 *   node --import tsx server-process.ts <port> <snapshot directory>
 * Prints `listening <port>` once it serves; SIGTERM closes it gracefully.
 */
import { createSyncServer, FileSnapshotStore } from '../../src/public-api.js';
import { counterChannel } from './counter-channel.js';
import { recordingLogger } from './replicas.js';

const [port, directory] = process.argv.slice(2);
const server = await createSyncServer({
  port: Number(port),
  host: '127.0.0.1',
  channels: { counter: counterChannel() },
  snapshots: new FileSnapshotStore(directory as string),
  limits: { heartbeatMs: 1000 },
  logger: recordingLogger(),
});
process.stdout.write(`listening ${server.port}\n`);
process.once('SIGTERM', () => void server.close({ graceMs: 2000 }).then(() => process.exit(0)));
