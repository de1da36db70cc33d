import { checkRunConfigText } from '../../shared/config-diagnostics.js';
import { UserError } from '../../shared/errors.js';
import { mergeRunConfig, type RunConfig } from '../../shared/run-config.js';
import { validateRunConfig } from './validate-config.js';

/**
 * The run config the app's editor holds, checked as the editor checks it (warnings, such as keys
 * it ignores, do not stop it), with the app's `outputLocation` where the YAML names none.
 */
export async function appRunConfig(yamlText: string, outputLocation: string | undefined): Promise<RunConfig> {
  const problem = (await validateRunConfig(yamlText)).find((d) => d.severity === 'error');
  if (problem) throw new UserError(`the run config has a problem on line ${problem.line}: ${problem.message}`);
  const check = checkRunConfigText(yamlText);
  if (!check.config) throw new Error('unreachable: a config without problems parses');
  return mergeRunConfig(check.config, { output_location: check.config.output_location ?? outputLocation });
}
