/**
 * TensorFlow Lite models (DEA's urban model) run with LiteRT.js, Google's WebAssembly build of
 * LiteRT (TensorFlow Lite's successor), on the CPU through XNNPACK. The runtime and each model
 * are loaded the first time a thread runs one and kept for the thread's life, as the ONNX
 * sessions are. LiteRT.js is written for browsers: its emscripten loader is fetched with a
 * worker's `importScripts`, given here for the load alone, and the loader then finds Node and
 * reads its `.wasm` from the package's folder. A model's input sizes are fixed by its file.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import type * as LiteRtModule from '@litertjs/core';
import type { CompiledModel, Tensor } from '@litertjs/core';
import { UserError } from '../../shared/errors.js';
import { firstLine } from '../../shared/first-line.js';
import type { TensorModel } from './onnx-model.js';
import { oncePerThread } from './once-per-thread.js';

type LiteRt = typeof LiteRtModule;

/** The runtime, and the work it does one call at a time with what it reported as errors. */
interface Runtime {
  litert: LiteRt;
  exclusive<T>(work: () => Promise<T>): Promise<{ value: T; reported: string | undefined }>;
}

/** LiteRT.js tries for a WebGPU device as it loads and warns where there is none; it runs on the CPU here. */
const NO_WEBGPU_WARNING = 'Failed to create default WebGPU device:';
/** An error line of LiteRT's log (its INFO and WARNING lines are not for the user), less its source location. */
const ERROR_LINE = /^ERROR: (?:\[[^\]]*\] )?(.*)$/;

let runtime: Promise<Runtime> | undefined;
/** The model in `file`, loaded on this thread's first call for it. */
export const tfliteModel = oncePerThread(openModel);

async function openModel(file: string): Promise<TensorModel> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new UserError(`model ${file} cannot be read: ${firstLine(e)}`);
  }
  runtime ??= loadRuntime();
  const { litert, exclusive } = await runtime;
  let compiled: CompiledModel;
  try {
    const loaded = await exclusive(() => litert.loadAndCompile(bytes, { accelerator: 'wasm' }));
    compiled = loaded.value;
    if (loaded.reported !== undefined) {
      compiled.delete();
      throw new Error(loaded.reported);
    }
  } catch (e) {
    throw new UserError(`model ${file} cannot be loaded by LiteRT: ${firstLine(e)}`);
  }
  const inputs = compiled.getInputDetails();
  const outputs = compiled.getOutputDetails();
  const [input, ...otherInputs] = inputs;
  if (!input || otherInputs.length > 0 || input.dtype !== 'float32') {
    throw new UserError(`model ${file} must take one float32 tensor; it takes ${describe(inputs)}`);
  }
  const output = outputs.findIndex((o) => o.dtype === 'float32');
  if (output < 0) throw new UserError(`model ${file} answers with no float32 tensor (its outputs: ${describe(outputs)})`);
  return {
    file,
    inputShape: Array.from(input.shape),
    async run(data, dims) {
      let answer: { value: { data: Float32Array; dims: number[] }; reported: string | undefined };
      try {
        answer = await exclusive(() => runOnce(litert, compiled, output, data, dims));
      } catch (e) {
        throw new UserError(`model ${file} failed on input of shape [${dims.join(', ')}]: ${firstLine(e)}`);
      }
      // LiteRT reports an operator it has no kernel for in its log, and answers anyway.
      if (answer.reported !== undefined) throw new UserError(`model ${file} cannot be run by LiteRT: ${answer.reported}`);
      return answer.value;
    },
  };
}

/** The model's answer: the output's values copied out of the runtime's memory, and the tensors freed. */
async function runOnce(litert: LiteRt, compiled: CompiledModel, output: number, data: Float32Array, dims: readonly number[]): Promise<{ data: Float32Array; dims: number[] }> {
  const input = new litert.Tensor(data, [...dims]);
  let answers: Tensor[] = [];
  try {
    answers = await compiled.run([input]);
    const answer = answers[output]!;
    return { data: answer.toTypedArray() as Float32Array, dims: Array.from(answer.type.layout.dimensions) };
  } finally {
    input.delete();
    for (const answer of answers) answer.delete();
  }
}

async function loadRuntime(): Promise<Runtime> {
  const litert = await import('@litertjs/core');
  const packageFolder = path.dirname(createRequire(import.meta.url).resolve('@litertjs/core/package.json'));
  // A packaged app keeps the folder unpacked beside its asar archive (electron-builder.yml), read there as plain files.
  const wasmFolder = path.join(packageFolder, 'wasm').replace(/app\.asar(?=[\\/])/, 'app.asar.unpacked');
  let errors: string[] = [];
  const log = {
    print() {},
    printErr(line: string) {
      const error = ERROR_LINE.exec(line);
      if (error) errors.push(error[1]!);
    },
  };
  try {
    // `Module` is the emscripten module's settings, its log lines given to `log`.
    const globals = { self: globalThis, importScripts: runLoaderScript, Module: log };
    await withoutWarning(NO_WEBGPU_WARNING, () => withGlobals(globals, () => litert.loadLiteRt(`${wasmFolder}/`)));
  } catch (e) {
    throw new UserError(`LiteRT cannot be loaded from ${wasmFolder}: ${firstLine(e)}`);
  }

  // The runtime is one WebAssembly instance: a call at a time, so that what it logs is that call's.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    litert,
    exclusive(work) {
      const done = queue.then(async () => {
        errors = [];
        const value = await work();
        return { value, reported: errors[0] };
      });
      queue = done.catch(() => undefined);
      return done;
    },
  };
}

/** Runs an emscripten loader script as `importScripts` would in a worker, with Node's `require`, so that it reads its `.wasm` from disk. */
function runLoaderScript(file: string): void {
  const source = readFileSync(file, 'utf8');
  const loader = vm.runInThisContext(`(function (require, __dirname, __filename) {${source}\n;globalThis.ModuleFactory = ModuleFactory;})`, { filename: file }) as (
    require: NodeJS.Require,
    dirname: string,
    filename: string,
  ) => void;
  loader(createRequire(file), path.dirname(file), file);
}

/** `work` run with the console's warnings that start with `prefix` held back. */
async function withoutWarning<T>(prefix: string, work: () => Promise<T>): Promise<T> {
  /* eslint-disable no-console -- the console is wrapped here, not written to */
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!(typeof args[0] === 'string' && args[0].startsWith(prefix))) warn(...args);
  };
  try {
    return await work();
  } finally {
    console.warn = warn;
  }
  /* eslint-enable no-console */
}

/** `work` run with `values` set on the global object, which is given back its own after. */
async function withGlobals<T>(values: Record<string, unknown>, work: () => Promise<T>): Promise<T> {
  const scope = globalThis as Record<string, unknown>;
  const names = [...Object.keys(values), 'ModuleFactory'];
  const own = new Map(names.filter((name) => Object.hasOwn(scope, name)).map((name) => [name, scope[name]]));
  Object.assign(scope, values);
  try {
    return await work();
  } finally {
    for (const name of names) {
      if (own.has(name)) scope[name] = own.get(name);
      else delete scope[name];
    }
  }
}

function describe(values: ReadonlyArray<{ name: string; dtype: string; shape: Int32Array }>): string {
  if (values.length === 0) return 'nothing';
  return values.map((v) => `${v.name} (${v.dtype} [${Array.from(v.shape).join(', ')}])`).join(', ');
}
