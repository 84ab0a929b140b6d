import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The repository root: entries and the lock file are resolved from here, whatever the cwd. */
export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * Bundled CommonJS dependencies call require() and read __dirname (google-gax builds paths from
 * it when loaded), which ESM lacks: give them both.
 */
export const esmBanner =
  "import { createRequire as lfiCreateRequire } from 'node:module'; import { fileURLToPath as lfiFileURLToPath } from 'node:url'; " +
  'const require = lfiCreateRequire(import.meta.url); const __filename = lfiFileURLToPath(import.meta.url); ' +
  "const __dirname = lfiFileURLToPath(new URL('.', import.meta.url));";

/** The two Google Ads services LFI uses, instead of google-ads-node's ~150 (see the file). */
export const googleAdsNodeSlim = `${projectRoot}shared/ads/google-ads-node.slim.cjs`;

export interface LfiFunctionProps {
  /** Entry file relative to the repository root, e.g. `lambdas/plan/handler.ts` (exports `handler`). */
  readonly entry: string;
  readonly description: string;
  readonly environment?: Readonly<Record<string, string>>;
  readonly timeout?: Duration;
  readonly memorySize?: number;
  /** Packages installed beside the bundle instead of bundled (ones that load files at run time). */
  readonly nodeModules?: readonly string[];
  /** Shell commands run after bundling, given the repository and the bundle's folder (e.g. to add static files). */
  readonly afterBundling?: (inputDir: string, outputDir: string) => string[];
}

/**
 * NodejsFunction with the house defaults, written once:
 * - nodejs24.x on ARM64 (Graviton: cheaper per ms, same code);
 * - one ESM file, minified, with source maps switched on so stack traces point at the TypeScript;
 * - everything bundled, the AWS SDK included: the runtime's built-in SDK lags ours and is not
 *   pinned, so the version the tests ran is the version deployed;
 * - X-Ray tracing, a log group kept for three months, 30 s and 512 MB unless told otherwise;
 * - its own role that may write only to that log group (no AWS managed policy with `logs:*` on `*`).
 */
export class LfiFunction extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: LfiFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.THREE_MONTHS });
    const role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    this.function = new NodejsFunction(this, 'Function', {
      entry: `${projectRoot}${props.entry}`,
      handler: 'handler',
      depsLockFilePath: `${projectRoot}package-lock.json`,
      projectRoot,
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize: props.memorySize ?? 512,
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: true,
        externalModules: [],
        nodeModules: props.nodeModules ? [...props.nodeModules] : undefined,
        banner: esmBanner,
        // Stack traces still point at the sources; the map need not carry their text (halves it).
        sourcesContent: false,
        esbuildArgs: { '--alias:google-ads-node': googleAdsNodeSlim },
        mainFields: ['module', 'main'],
        ...(props.afterBundling
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: props.afterBundling,
              },
            }
          : {}),
      },
    });
  }
}
