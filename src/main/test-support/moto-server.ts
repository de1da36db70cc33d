import { spawn, spawnSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';

export interface MotoServer {
  /** The S3 endpoint, http://127.0.0.1:PORT. */
  endpoint: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 20_000;

/**
 * Starts moto's server (a local fake of AWS) on a free port of 127.0.0.1. Throws, rather than
 * letting tests skip, where python3 lacks moto.
 */
export async function startMotoServer(): Promise<MotoServer> {
  const check = spawnSync('python3', ['-c', 'import moto.server'], { encoding: 'utf8' });
  if (check.status !== 0) {
    throw new Error(
      `moto is not available to python3 (pip install "moto[server]"): ${(check.stderr || String(check.error)).trim()}`,
    );
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const moto = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  moto.stderr.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => moto.once('exit', () => resolve()));
  const killOnExit = () => moto.kill();
  process.once('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (moto.exitCode === null && moto.signalCode === null) {
      moto.kill();
      await exited;
    }
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (moto.exitCode !== null) throw new Error(`moto server exited with code ${moto.exitCode}: ${log.trim()}`);
    try {
      await fetch(endpoint);
      return { endpoint, stop };
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto server did not answer at ${endpoint} within ${START_TIMEOUT_MS / 1000} s: ${log.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Points the AWS SDK at a moto server, with moto's test credentials; returns the function that
 * puts the environment back.
 */
export function useMotoEnvironment(endpoint: string): () => void {
  const settings: Record<string, string | undefined> = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    // Would otherwise be sent along with, or take the place of, the test credentials.
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
  };
  const previous = Object.fromEntries(Object.keys(settings).map((name) => [name, process.env[name]]));
  setEnvironment(settings);
  return () => setEnvironment(previous);
}

function setEnvironment(settings: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(settings)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
