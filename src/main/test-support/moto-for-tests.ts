import { afterAll, beforeAll } from 'vitest';
import { startMotoServer, useMotoEnvironment, type MotoServer } from './moto-server.js';

/**
 * Runs moto for the tests of the suite (or file) it is called in, with the AWS SDK pointed at
 * it: started before their own beforeAll hooks, stopped after their afterAll hooks.
 */
export function motoForTests(): void {
  let moto: MotoServer | undefined;
  let restoreEnvironment: (() => void) | undefined;
  beforeAll(async () => {
    moto = await startMotoServer();
    restoreEnvironment = useMotoEnvironment(moto.endpoint);
  }, 60_000);
  afterAll(async () => {
    restoreEnvironment?.();
    await moto?.stop();
  });
}
