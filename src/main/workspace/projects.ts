import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Project, RecentProject } from '../../shared/api.js';
import { UserError } from '../../shared/errors.js';
import { commitTemporary, temporaryPathFor } from '../../io/atomic-file.js';

/** The project file's format: the workspace as the app saves it, with a format marker. */
const FORMAT = 'odc-stats-project/1';
const RECENT_FILE = 'recent-projects.json';
const RECENT_MAX = 10;

/**
 * Project files (`*.odcproj.json`) and the list of recent ones, kept in the host's workspace
 * folder. Saving is atomic; a project of another format is refused with a readable message.
 */
export class ProjectStore {
  constructor(private readonly workspace: string) {}

  /** A relative path is taken inside the workspace's `projects/` folder; `.odcproj.json` is added when missing. */
  resolve(file: string): string {
    const trimmed = file.trim();
    if (trimmed === '') throw new UserError('no project file name: type a name or a path');
    const withExt = /\.json$/i.test(trimmed) ? trimmed : `${trimmed}.odcproj.json`;
    return path.resolve(path.join(this.workspace, 'projects'), withExt);
  }

  async save(file: string, project: Project): Promise<string> {
    const target = this.resolve(file);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const tmp = temporaryPathFor(target);
    await fs.writeFile(tmp, JSON.stringify({ format: FORMAT, saved: new Date().toISOString(), project }, null, 2));
    await commitTemporary(tmp, target);
    await this.remember(target, project.name);
    return target;
  }

  async open(file: string): Promise<{ path: string; project: Project }> {
    const target = this.resolve(file);
    let text: string;
    try {
      text = await fs.readFile(target, 'utf8');
    } catch {
      throw new UserError(`project file not found: ${target}`);
    }
    let parsed: { format?: unknown; project?: Project };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new UserError(`not a project file (not JSON): ${target}`);
    }
    if (parsed.format !== FORMAT || typeof parsed.project !== 'object' || parsed.project === null) {
      throw new UserError(`not an odc-stats project file (format ${String(parsed.format)}): ${target}`);
    }
    const problem = historyProblem(parsed.project);
    if (problem) throw new UserError(`project file ${target}: ${problem}`);
    await this.remember(target, parsed.project.name);
    return { path: target, project: parsed.project };
  }

  async recent(): Promise<RecentProject[]> {
    try {
      const list = JSON.parse(await fs.readFile(path.join(this.workspace, RECENT_FILE), 'utf8')) as RecentProject[];
      return Array.isArray(list) ? list : [];
    } catch {
      return [];
    }
  }

  private async remember(file: string, name: string): Promise<void> {
    const list = (await this.recent()).filter((r) => r.path !== file);
    list.unshift({ path: file, name, opened: new Date().toISOString() });
    await fs.mkdir(this.workspace, { recursive: true });
    await fs.writeFile(path.join(this.workspace, RECENT_FILE), JSON.stringify(list.slice(0, RECENT_MAX), null, 2));
  }
}

/** What is wrong with the parts of a project the app restores beside the workspace (a file edited by hand), if anything. */
function historyProblem(project: Project): string | undefined {
  const isObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);
  const { planSummary, runs, previews } = project as Partial<Record<'planSummary' | 'runs' | 'previews', unknown>>;
  if (planSummary !== undefined && !isObject(planSummary)) return 'planSummary is not an object';
  if (runs !== undefined && !(Array.isArray(runs) && runs.every((r) => isObject(r) && isObject((r as { tasks?: unknown }).tasks)))) {
    return 'runs is not a list of runs, each with its tasks';
  }
  if (previews !== undefined) {
    const { layers, outputs } = (isObject(previews) ? previews : {}) as { layers?: unknown; outputs?: unknown };
    if (!Array.isArray(layers) || !layers.every(isObject) || !isObject(outputs)) return 'previews has no list of layers and map of outputs';
  }
  return undefined;
}
