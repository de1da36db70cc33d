import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../shared/run-config.js';
import { configForMessage } from './message-config.js';

describe('the run config of a message', () => {
  const worker = parseRunConfig(
    'plugin: pq\nplugin_config: {a: 1}\nproduct: {name: own}\noutput_location: s3://b/own\nresolution: 30\nthreads: 2\nmemory_limit: 4Gi\njob_queue_max_lease: 60\nmax_receive: 5\nheartbeat_filepath: /tmp/hb\n',
    'worker',
  );
  const published = parseRunConfig(
    'plugin: gm-s2\nplugin_config: {b: 2}\nproduct: {name: tuned, version: 2.0.0}\noutput_location: s3://b/tuned\nthreads: 64\nmemory_limit: 64Gi\njob_queue_max_lease: 5\nmax_receive: 1\n',
    'published',
  );

  it('takes what is computed and where from the published config, how the worker works the queue from its own', () => {
    const config = configForMessage(worker, published, {});
    expect(config).toMatchObject({
      plugin: 'gm-s2',
      plugin_config: { b: 2 },
      product: { name: 'tuned', version: '2.0.0' },
      output_location: 's3://b/tuned',
      threads: 2,
      memory_limit: 4 * 2 ** 30,
      job_queue_max_lease: 60,
      max_receive: 5,
      heartbeat_filepath: '/tmp/hb',
    });
    // Replaced, not merged: the published config set no resolution, and no plugin_config key `a`.
    expect(config.resolution).toBeUndefined();
    expect(config.plugin_config).toEqual({ b: 2 });
  });

  it("applies the worker's options over it, as over the worker's own YAML", () => {
    const config = configForMessage(worker, published, { output_location: 's3://b/override', plugin_config: { c: 3 } });
    expect(config).toMatchObject({ output_location: 's3://b/override', plugin_config: { b: 2, c: 3 }, plugin: 'gm-s2' });
  });
});
