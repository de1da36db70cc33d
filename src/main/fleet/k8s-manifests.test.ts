/**
 * deploy/k8s checked offline: each object against the Kubernetes OpenAPI schemas (the
 * validators of kubernetes-models), against the API's TypeScript types for misspelt fields
 * (which the schemas let through), and against each other and the worker's options.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { ConfigMap, type IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { ServiceAccount, type IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Job, type IJob } from 'kubernetes-models/batch/v1/Job';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../shared/run-config.js';
import { prepareRun } from '../run/task-builder.js';

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

const MODELS: Record<string, { type: string; module: string; validate(object: unknown): void }> = {
  'batch/v1 Job': { type: 'IJob', module: 'kubernetes-models/batch/v1/Job', validate: (o) => new Job(o as Job).validate() },
  'v1 ConfigMap': { type: 'IConfigMap', module: 'kubernetes-models/v1/ConfigMap', validate: (o) => new ConfigMap(o as ConfigMap).validate() },
  'v1 ServiceAccount': { type: 'IServiceAccount', module: 'kubernetes-models/v1/ServiceAccount', validate: (o) => new ServiceAccount(o as ServiceAccount).validate() },
};

/** Type errors of the objects written as TypeScript literals of their API types: excess properties, mostly. */
function typeErrors(objects: Manifest[]): string[] {
  const file = fileURLToPath(new URL('./__manifests__.ts', import.meta.url));
  const source = objects
    .map(({ object }, i) => {
      const model = MODELS[`${object.apiVersion} ${object.kind}`]!;
      return `import type { ${model.type} as T${i} } from '${model.module}';\nexport const m${i}: T${i} = ${JSON.stringify(object)};`;
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

  it('holds a Job, a ConfigMap and a ServiceAccount that the Kubernetes schemas accept', () => {
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
    const option = (name: string) => args[args.indexOf(name) + 1];
    expect(option('--from-sqs')).toBeTruthy();
    const grace = Number(option('--grace-period'));
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(grace);

    const configPath = option('--config')!;
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
});
