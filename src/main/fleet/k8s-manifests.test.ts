/**
 * deploy/k8s checked offline: each object against the Kubernetes OpenAPI schemas (the
 * validators of kubernetes-models, and of @kubernetes-models/keda for KEDA's CRDs), against the
 * API's TypeScript types for misspelt fields (which the schemas let through), and against each
 * other and the worker's options; the Grafana dashboard against the metrics the worker serves.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { ConfigMap, type IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { ServiceAccount, type IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Job, type IJob } from 'kubernetes-models/batch/v1/Job';
import { ScaledJob, type IScaledJob } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledJob';
import { TriggerAuthentication, type ITriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../shared/run-config.js';
import { prepareRun } from '../run/task-builder.js';
import { parseMetricsAddress } from './metrics-server.js';
import { METRIC_NAMES } from './worker-metrics.js';

const K8S = fileURLToPath(new URL('../../../deploy/k8s/', import.meta.url));

interface Manifest {
  file: string;
  object: { apiVersion: string; kind: string; metadata: { name: string } } & Record<string, unknown>;
}

function manifests(): Manifest[] {
  return readdirSync(K8S)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((file) =>
      parseAllDocuments(readFileSync(path.join(K8S, file), 'utf8')).map((doc) => {
        expect(doc.errors, file).toEqual([]);
        return { file, object: doc.toJS() as Manifest['object'] };
      }),
    );
}

/** Fields of KEDA 2.13+ (pod identity of the scaled workload) that the models of @kubernetes-models/keda 0.4 predate. */
const KEDA_2_13_POD_IDENTITY = "{ spec?: { podIdentity?: { identityOwner?: 'keda' | 'workload'; roleArn?: string } } }";

const MODELS: Record<string, { type: string; module: string; validate(object: unknown): void; newer?: string }> = {
  'batch/v1 Job': { type: 'IJob', module: 'kubernetes-models/batch/v1/Job', validate: (o) => new Job(o as Job).validate() },
  'keda.sh/v1alpha1 ScaledJob': {
    type: 'IScaledJob',
    module: '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledJob',
    validate: (o) => new ScaledJob(o as ScaledJob).validate(),
  },
  'keda.sh/v1alpha1 TriggerAuthentication': {
    type: 'ITriggerAuthentication',
    module: '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication',
    validate: (o) => new TriggerAuthentication(o as TriggerAuthentication).validate(),
    newer: KEDA_2_13_POD_IDENTITY,
  },
  'v1 ConfigMap': { type: 'IConfigMap', module: 'kubernetes-models/v1/ConfigMap', validate: (o) => new ConfigMap(o as ConfigMap).validate() },
  'v1 ServiceAccount': { type: 'IServiceAccount', module: 'kubernetes-models/v1/ServiceAccount', validate: (o) => new ServiceAccount(o as ServiceAccount).validate() },
};

/** Type errors of the objects written as TypeScript literals of their API types: excess properties, mostly. */
function typeErrors(objects: Manifest[]): string[] {
  const file = fileURLToPath(new URL('./__manifests__.ts', import.meta.url));
  const source = objects
    .map(({ object }, i) => {
      const model = MODELS[`${object.apiVersion} ${object.kind}`]!;
      const type = model.newer ? `T${i} & ${model.newer}` : `T${i}`;
      return `import type { ${model.type} as T${i} } from '${model.module}';\nexport const m${i}: ${type} = ${JSON.stringify(object)};`;
    })
    .join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  };
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  const exists = host.fileExists.bind(host);
  host.getSourceFile = (name, language, ...rest) => (name === file ? ts.createSourceFile(name, source, language) : read(name, language, ...rest));
  host.fileExists = (name) => name === file || exists(name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
}

describe('deploy/k8s', () => {
  const all = manifests();
  const byKind = <T>(kind: string) => all.find((m) => m.object.kind === kind)!.object as unknown as T;
  const option = (args: string[], name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);

  it('holds a Job, a KEDA ScaledJob and its TriggerAuthentication, a ConfigMap and a ServiceAccount that the schemas accept', () => {
    expect(all.map((m) => `${m.object.apiVersion} ${m.object.kind}`).sort()).toEqual(Object.keys(MODELS).sort());
    for (const { file, object } of all) expect(() => MODELS[`${object.apiVersion} ${object.kind}`]!.validate(object), file).not.toThrow();
  });

  it('has no field the Kubernetes API types do not know', () => {
    expect(typeErrors(all)).toEqual([]);
    // The check finds them: a misspelt field is reported.
    const job = structuredClone(all.find((m) => m.object.kind === 'Job')!);
    (job.object['spec'] as Record<string, unknown>)['paralelism'] = 3;
    expect(typeErrors([job]).join('\n')).toMatch(/'"?paralelism"?' does not exist/);
  }, 20_000);

  it('wires the Job to the ConfigMap, the ServiceAccount and the worker', async () => {
    const job = byKind<IJob>('Job');
    const configMap = byKind<IConfigMap>('ConfigMap');
    const account = byKind<IServiceAccount>('ServiceAccount');
    const pod = job.spec!.template.spec!;
    const container = pod.containers[0]!;
    // Workers drain one queue; the Job is done when they have all exited.
    expect(job.spec!.completions).toBeUndefined();
    expect(job.spec!.parallelism).toBeGreaterThan(1);
    expect(pod.serviceAccountName).toBe(account.metadata!.name);
    expect(account.metadata!.annotations!['eks.amazonaws.com/role-arn']).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(container.resources!.requests).toBeDefined();
    expect(container.resources!.limits!['memory']).toBeDefined();

    const args = container.args!;
    expect(option(args, '--from-sqs')).toBeTruthy();
    const grace = Number(option(args, '--grace-period'));
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(grace);

    const configPath = option(args, '--config')!;
    const mount = container.volumeMounts!.find((m) => configPath.startsWith(`${m.mountPath}/`))!;
    const volume = pod.volumes!.find((v) => v.name === mount.name)!;
    expect(volume.configMap!.name).toBe(configMap.metadata!.name);
    const key = path.posix.basename(configPath);
    const config = parseRunConfig(configMap.data![key]!, `configmap ${key}`);
    const setup = await prepareRun(config);
    expect(setup.location).toMatch(/^s3:\/\//);

    // The probe checks the heartbeat file the config names, on a writable volume.
    expect(container.livenessProbe!.exec!.command!.join(' ')).toContain(config.heartbeat_filepath);
    expect(container.volumeMounts!.some((m) => config.heartbeat_filepath!.startsWith(`${m.mountPath}/`))).toBe(true);
  });

  it('serves the metrics on the port the pods declare and Prometheus is told to scrape', () => {
    const job = byKind<IJob>('Job');
    const container = job.spec!.template.spec!.containers[0]!;
    const address = parseMetricsAddress(option(container.args!, '--metrics-port')!);
    // Every interface: Prometheus scrapes the pod's IP.
    expect(address.host).toBe('0.0.0.0');
    expect(container.ports).toContainEqual(expect.objectContaining({ name: 'metrics', containerPort: address.port }));
    expect(job.spec!.template.metadata!.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(address.port), 'prometheus.io/path': '/metrics' });
  });

  it('scales one-pod worker Jobs, the same pods as the fixed-size Job, on the depth of the queue they drain', () => {
    const job = byKind<IJob>('Job');
    const scaled = byKind<IScaledJob>('ScaledJob');
    const auth = byKind<ITriggerAuthentication>('TriggerAuthentication');
    const target = scaled.spec!.jobTargetRef;
    expect(target.template).toEqual(job.spec!.template);
    expect({ parallelism: target.parallelism, completions: target.completions }).toEqual({ parallelism: 1, completions: 1 });
    // A Job KEDA started runs to its end when the ScaledJob is edited.
    expect(scaled.spec!.rollout?.strategy).toBe('gradual');

    const triggers = scaled.spec!.triggers;
    expect(triggers).toHaveLength(1);
    const trigger = triggers[0]!;
    expect(trigger.type).toBe('aws-sqs-queue');
    const container = target.template.spec!.containers[0]!;
    const queueUrl = new URL(trigger.metadata['queueURL']!);
    expect(queueUrl.pathname.split('/').at(-1)).toBe(option(container.args!, '--from-sqs'));
    const region = container.env!.find((e) => e.name === 'AWS_REGION')!.value;
    expect(trigger.metadata['awsRegion']).toBe(region);
    expect(queueUrl.hostname).toBe(`sqs.${region}.amazonaws.com`);
    expect(Number(trigger.metadata['queueLength'])).toBeGreaterThan(0);
    expect(trigger.metadata['scaleOnInFlight']).toBe('true');
    expect(scaled.spec!.maxReplicaCount).toBeGreaterThan(1);

    // KEDA reads the queue as the workers' own role.
    expect(trigger.authenticationRef?.name).toBe(auth.metadata!.name);
    expect(auth.spec!.podIdentity).toEqual({ provider: 'aws', identityOwner: 'workload' });
    expect(target.template.spec!.serviceAccountName).toBe(byKind<IServiceAccount>('ServiceAccount').metadata!.name);
  });
});

describe('deploy/k8s/grafana-dashboard.json', () => {
  interface Panel {
    id: number;
    title: string;
    gridPos: { x: number; y: number; w: number; h: number };
    datasource: { type: string; uid: string };
    targets: Array<{ expr: string; refId: string }>;
  }
  const dashboard = JSON.parse(readFileSync(path.join(K8S, 'grafana-dashboard.json'), 'utf8')) as {
    uid: string;
    templating: { list: Array<{ name: string; type: string; query: string }> };
    panels: Panel[];
  };

  it('charts only metrics the worker serves, and every one of them', () => {
    const used = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/\bodc_stats_\w+/g) ?? [])));
    expect([...used].filter((name) => !METRIC_NAMES.includes(name))).toEqual([]);
    const histogramSeries = METRIC_NAMES.filter((name) => /_(sum|count)$/.test(name) && METRIC_NAMES.includes(name.replace(/_(sum|count)$/, '_bucket')));
    expect(METRIC_NAMES.filter((name) => !used.has(name) && !histogramSeries.includes(name))).toEqual([]);
    for (const { targets, title } of dashboard.panels) {
      for (const { expr } of targets) {
        let depth = 0;
        for (const c of expr) {
          depth += c === '(' ? 1 : c === ')' ? -1 : 0;
          expect(depth, `${title}: ${expr}`).toBeGreaterThanOrEqual(0);
        }
        expect(depth, `${title}: ${expr}`).toBe(0);
      }
    }
  });

  it('is a dashboard Grafana imports: a Prometheus data source chosen on import, panels in 24 columns without overlap', () => {
    const variable = dashboard.templating.list.find((v) => v.type === 'datasource')!;
    expect(variable.query).toBe('prometheus');
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels) {
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: `\${${variable.name}}` });
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
    }
    const cells = new Set<string>();
    for (const { gridPos: g, title } of dashboard.panels) {
      for (let x = g.x; x < g.x + g.w; x++) {
        for (let y = g.y; y < g.y + g.h; y++) {
          expect(cells.has(`${x},${y}`), `${title} overlaps at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });
});
