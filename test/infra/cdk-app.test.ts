import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceSkip } from '../support/announce-skip.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const cdkJson = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};

/** Runs bin/app.ts the way the CDK CLI does (context and output directory through the environment). */
function runApp(context: Record<string, unknown>, outdir: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bin', 'app.ts')], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      CDK_CONTEXT_JSON: JSON.stringify(context),
      CDK_OUTDIR: outdir,
      // No credentials may be needed: make sure none are found.
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: 'riskfence-no-such-profile',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    },
  });
}

const cfnLintVersion = (() => {
  try {
    return execFileSync('cfn-lint', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
})();

const outdirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'riskfence-app-'));
  outdirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

describe('bin/app.ts', () => {
  it('fails with a clear message and exit code 1 on invalid configuration, without a stack trace', () => {
    const context = {
      'riskfence:environments': {
        dev: { account: 'x', region: 'us-east-1', vpc: { mode: 'create', availabilityZones: [] } },
      },
    };
    const result = runApp(context, tempDir());
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`Invalid configuration for environment 'dev'`);
    expect(result.stderr).toContain('at account');
    expect(result.stderr).toContain('at vpc.availabilityZones');
    expect(result.stderr).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);
  });

  describe('synthesizing every cdk.json environment offline', () => {
    let outdir: string;
    let templates: string[];
    beforeAll(() => {
      outdir = tempDir();
      // Bundling does not change the templates; bundling itself is covered by riskfence-stack.test.ts.
      const result = runApp({ ...cdkJson.context, 'aws:cdk:bundling-stacks': [] }, outdir);
      expect(result.stderr).not.toContain('ERROR');
      expect(result.status).toBe(0);
      templates = readdirSync(outdir).filter((f) => f.endsWith('.template.json'));
    });

    it('writes one RiskFence-<env> stack per environment, with no missing context (no lookups)', () => {
      expect(templates.sort()).toEqual([
        'RiskFence-dev.template.json',
        'RiskFence-prod.template.json',
        'RiskFence-staging.template.json',
      ]);
      const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
        missing?: unknown[];
      };
      expect(manifest.missing ?? []).toEqual([]);
    });

    announceSkip(
      'cfn-lint on the synthesized templates',
      cfnLintVersion === undefined ? 'cfn-lint is not on PATH; pip install cfn-lint' : undefined,
    );
    it.skipIf(cfnLintVersion === undefined)(
      `passes cfn-lint with no errors on every template${cfnLintVersion === undefined ? ' (SKIPPED: cfn-lint is not on PATH; pip install cfn-lint)' : ''}`,
      () => {
        const lint = spawnSync('cfn-lint', ['--format', 'json', ...templates.map((t) => join(outdir, t))], {
          encoding: 'utf8',
        });
        const findings = JSON.parse(lint.stdout || '[]') as {
          Level: string;
          Rule: { Id: string };
          Message: string;
        }[];
        expect(findings.filter((f) => f.Level === 'Error').map((f) => `${f.Rule.Id} ${f.Message}`)).toEqual(
          [],
        );
      },
    );
  });
});
