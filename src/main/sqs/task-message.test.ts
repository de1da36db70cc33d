import { describe, expect, it } from 'vitest';
import { MalformedMessageError, configAttributes, parseTaskMessage, renderTaskMessage } from './task-message.js';

describe('task messages', () => {
  it("are written as odc-stats' json.dumps writes them", () => {
    expect(renderTaskMessage('s3://bucket/caches/s2_2021.db', { period: '2021--P1Y', x: 3, y: -4 })).toBe(
      '{"filedb": "s3://bucket/caches/s2_2021.db", "tile_idx": "2021--P1Y/03/-4"}',
    );
    expect(renderTaskMessage('s3://b/caché.db', { period: '2021--P1Y', x: 217, y: 75 })).toBe(
      '{"filedb": "s3://b/cach\\u00e9.db", "tile_idx": "2021--P1Y/217/75"}',
    );
  });

  it('read back into the cache and the task', () => {
    expect(parseTaskMessage('{"filedb": "s3://b/x.db", "tile_idx": "2021--P1Y/03/-4"}')).toEqual({
      filedb: 's3://b/x.db',
      task: { period: '2021--P1Y', x: 3, y: -4 },
    });
    // odc-stats' own signed form is read too.
    expect(parseTaskMessage('{"filedb":"s3://b/x.db","tile_idx":"x+003/y-004/2021--P1Y"}').task).toEqual({ period: '2021--P1Y', x: 3, y: -4 });
  });

  it('name the run config they were published with in an attribute, leaving the body as odc-stats reads it', () => {
    const body = renderTaskMessage('s3://b/x.db', { period: '2021--P1Y', x: 1, y: 2 });
    expect(parseTaskMessage(body, configAttributes('s3://b/x.run.yaml'))).toEqual({ filedb: 's3://b/x.db', task: { period: '2021--P1Y', x: 1, y: 2 }, config: 's3://b/x.run.yaml' });
    expect(parseTaskMessage(body, { other: { DataType: 'String', StringValue: 'x' } })).not.toHaveProperty('config');
  });

  it('refuse bodies that can never name a task', () => {
    for (const body of ['not json', '[1]', '{"tile_idx": "2021--P1Y/1/2"}', '{"filedb": "s3://b/x.db"}', '{"filedb": "s3://b/x.db", "tile_idx": "nope"}']) {
      expect(() => parseTaskMessage(body)).toThrow(MalformedMessageError);
    }
  });
});
