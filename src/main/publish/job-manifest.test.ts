import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fleetJobManifest, fleetJobName } from './job-manifest.js';

const RUN = {
  queue: 'https://sqs.ap-southeast-2.amazonaws.com/123456789012/odc-stats-tasks',
  configUri: 's3://bucket/caches/gm.run.yaml',
  cacheUri: 's3://bucket/caches/gm.db',
  product: 'gm_s2_annual',
  version: '1.0.0',
  tasks: 4,
  region: 'ap-southeast-2',
};

type JobObject = { metadata: { name: string; annotations?: Record<string, string> }; spec: { parallelism: number; template: { spec: { containers: Array<{ args: string[]; env: unknown[]; image: string }> } } } };

function deployJob(): JobObject {
  return parse(readFileSync(fileURLToPath(new URL('../../../deploy/k8s/job.yaml', import.meta.url)), 'utf8')) as JobObject;
}

describe('fleetJobManifest', () => {
  it('is a valid Job naming the run config and the task cache, its workers draining the run’s queue', () => {
    const job = parse(fleetJobManifest(RUN)) as JobObject;
    expect(() => new Job(job as unknown as Job).validate()).not.toThrow();
    expect(job.metadata.name).toBe('odc-stats-gm-s2-annual');
    expect(job.metadata.annotations).toEqual({ 'odc-stats/run-config': 's3://bucket/caches/gm.run.yaml', 'odc-stats/task-cache': 's3://bucket/caches/gm.db' });
    expect(job.spec.template.spec.containers[0]!.args.slice(0, 2)).toEqual(['--from-sqs', RUN.queue]);
    expect(fleetJobManifest(RUN).split('\n', 2)[1]).toBe('# Each message names the run config s3://bucket/caches/gm.run.yaml, which they compute with.');
  });

  it('is deploy/k8s/job.yaml but for the run’s name, annotations, queue, region and workers (no more than its tasks)', () => {
    const job = parse(fleetJobManifest({ ...RUN, tasks: 3 })) as JobObject;
    const expected = deployJob();
    expected.metadata.name = 'odc-stats-gm-s2-annual';
    expected.metadata.annotations = job.metadata.annotations!;
    expected.spec.parallelism = 3;
    const container = expected.spec.template.spec.containers[0]!;
    container.args[1] = RUN.queue;
    expect(container.env).toEqual([{ name: 'AWS_REGION', value: 'ap-southeast-2' }]);
    container.image = job.spec.template.spec.containers[0]!.image;
    expect(job).toEqual(expected);
    expect((parse(fleetJobManifest({ ...RUN, tasks: 500 })) as JobObject).spec.parallelism).toBe(10);
  });

  it('quotes what it is given, so a name with YAML in it stays a string', () => {
    const job = parse(fleetJobManifest({ ...RUN, queue: 'tasks: #1', configUri: 's3://b/"x".yaml' })) as JobObject;
    expect(job.spec.template.spec.containers[0]!.args[1]).toBe('tasks: #1');
    expect(job.metadata.annotations!['odc-stats/run-config']).toBe('s3://b/"x".yaml');
  });
});

describe('fleetJobName', () => {
  it('is a DNS label of at most 63 characters', () => {
    expect(fleetJobName('GM S2 Annual!')).toBe('odc-stats-gm-s2-annual');
    expect(fleetJobName('x'.repeat(80))).toHaveLength(63);
    expect(fleetJobName(`${'y'.repeat(52)}_z`)).toBe(`odc-stats-${'y'.repeat(52)}`);
  });
});
