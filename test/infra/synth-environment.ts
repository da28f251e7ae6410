import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { ENVIRONMENTS_CONTEXT_KEY } from '../../lib/config/environment-config.ts';
import { addRiskFenceStacks } from '../../lib/riskfence-app.ts';
import type { RiskFenceStack } from '../../lib/riskfence-stack.ts';

/** cdk.json's context without its environments: the feature flags `cdk synth` applies. */
const FEATURE_FLAGS: Record<string, unknown> = Object.fromEntries(
  Object.entries(
    (
      JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'cdk.json'), 'utf8')) as {
        context: object;
      }
    ).context,
  ).filter(([key]) => key !== ENVIRONMENTS_CONTEXT_KEY),
);

/** The smallest valid settings of one environment (a created VPC in two AZs). */
export const MINIMAL_SETTINGS = Object.freeze({
  account: '123456789012',
  region: 'eu-west-1',
  vpc: Object.freeze({ mode: 'create', availabilityZones: Object.freeze(['eu-west-1a', 'eu-west-1b']) }),
});

/** A synthesized single-environment app. */
export interface SynthesizedEnvironment {
  readonly stack: RiskFenceStack;
  readonly template: Template;
  readonly assembly: CloudAssembly;
  /** Deletes the temporary cloud assembly directory. */
  readonly cleanup: () => void;
}

/**
 * Builds the real app (config validation, stacks, cdk-nag plugin) for one environment and synthesizes it.
 * `bundle: false` skips the esbuild bundling of the function (the template is otherwise identical).
 */
export function synthEnvironment(
  name: string,
  settings: unknown,
  options: { bundle?: boolean } = {},
): SynthesizedEnvironment {
  const context: Record<string, unknown> = {
    ...FEATURE_FLAGS,
    [ENVIRONMENTS_CONTEXT_KEY]: { [name]: settings },
  };
  if (options.bundle === false) context['aws:cdk:bundling-stacks'] = [];
  const outdir = mkdtempSync(join(tmpdir(), 'riskfence-cdk-'));
  const app = new App({ context, outdir });
  const [stack] = addRiskFenceStacks(app);
  if (stack === undefined) throw new Error('no stack was created');
  const assembly = app.synth();
  return {
    stack,
    template: Template.fromStack(stack),
    assembly,
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** The single resource of a type with its logical id; fails unless exactly one exists. */
export function onlyResource(
  template: Template,
  type: string,
): { id: string; props: Record<string, unknown> } {
  const found = Object.entries(template.findResources(type));
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
  const [id, resource] = found[0]!;
  return { id, props: (resource as { Properties?: Record<string, unknown> }).Properties ?? {} };
}

/** One widget of a dashboard body: its type and properties (title, metrics, alarms, …). */
export interface DashboardWidget {
  readonly type: string;
  readonly properties: {
    readonly title?: string;
    readonly markdown?: string;
    readonly metrics?: unknown[][];
    readonly alarms?: string[];
    readonly annotations?: { alarms?: string[] };
  };
}

/**
 * The widgets of the template's dashboard, parsed from its `DashboardBody` (an `Fn::Join` of JSON text and
 * tokens). Each token becomes the string `<logical id>` (`<Region>` for `AWS::Region`), so assertions can name
 * the alarms and queues the widgets refer to.
 */
export function dashboardWidgets(template: Template): DashboardWidget[] {
  const body = onlyResource(template, 'AWS::CloudWatch::Dashboard').props.DashboardBody as {
    'Fn::Join': [string, unknown[]];
  };
  const text = body['Fn::Join'][1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const token = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      return `<${token.Ref ?? token['Fn::GetAtt']?.[0] ?? 'token'}>`.replace('<AWS::Region>', '<Region>');
    })
    .join('');
  return (JSON.parse(text) as { widgets: DashboardWidget[] }).widgets;
}
