import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { environmentConfigsFromContext } from './config/environment-config.ts';
import { RiskFenceStack } from './riskfence-stack.ts';

/** The stack id of an environment. */
export const stackName = (environment: string): string => `RiskFence-${environment}`;

/**
 * Adds one `RiskFence-<env>` stack per environment configured in the app's context and registers the cdk-nag
 * AwsSolutions pack, so that any unacknowledged finding interrupts synthesis.
 *
 * @throws InvalidEnvironmentConfigError when the configuration is missing or invalid (before any stack exists).
 * @example
 * const app = new App();
 * addRiskFenceStacks(app); // RiskFence-dev, RiskFence-staging, RiskFence-prod
 * app.synth();
 */
export function addRiskFenceStacks(app: App): RiskFenceStack[] {
  const configs = environmentConfigsFromContext((key) => app.node.tryGetContext(key));
  const stacks = configs.map((config) => new RiskFenceStack(app, stackName(config.name), { config }));
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stacks;
}
