/**
 * `evalgate prompts render --config C --feature F --example ID [--model M]`: one dataset
 * example rendered exactly as a run would send it, through the prompt the model's family
 * resolves to, with the model's params, and no hand-written inputs file.
 */
import { loadConfig, resolveSuite } from "../config/index.js";
import { UserError } from "../core/errors.js";
import { escapeControl } from "../core/terminal-text.js";
import type { RenderedPrompt } from "../core/types.js";
import { planSuite } from "../runner/index.js";

export interface ConfigRenderRequest {
  configFile: string;
  feature: string;
  exampleId: string;
  /** Default: the default suite's first model. */
  model?: string;
  suite?: string;
}

export async function renderExampleFromConfig(
  request: ConfigRenderRequest,
): Promise<{ model: string; exampleId: string; rendered: RenderedPrompt }> {
  const config = await loadConfig(request.configFile);
  const suite = resolveSuite(config, request.suite);
  const model = request.model ?? suite.models[0];
  if (model === undefined) {
    throw new UserError(`suite "${suite.name}" names no models; pass --model NAME`);
  }
  const plan = await planSuite(
    config,
    suite,
    { features: [request.feature], models: [model] },
    undefined,
  );
  const pair = plan.pairs[0];
  if (!pair) {
    throw new UserError(
      `feature "${request.feature}" × model "${model}" is not evaluated in suite "${suite.name}"`,
    );
  }
  const catalogModel = plan.models.find((m) => m.name === model)!;
  for await (const example of plan.datasets.get(request.feature)!.read()) {
    if (example.id !== request.exampleId) continue;
    const rendered = plan.registry.render(
      pair.resolved,
      example.inputs,
      catalogModel.params,
      example.source,
    );
    return { model, exampleId: example.id, rendered };
  }
  throw new UserError(
    `no example with id "${escapeControl(request.exampleId)}" in ${plan.datasets.get(request.feature)!.file}; list the ids with: grep -o '"id": *"[^"]*"' on that file`,
  );
}
