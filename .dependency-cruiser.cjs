/** Layer rules: services never import each other; only packages/* are shared. */
module.exports = {
  forbidden: [
    {
      name: 'no-service-to-service',
      comment: 'A service talks to another only over NATS, through packages/contracts.',
      severity: 'error',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/([^/]+)/', pathNot: '^services/$1/' },
    },
    {
      name: 'packages-do-not-import-services',
      comment: 'Shared packages stand alone; only their tests may use the test harness.',
      severity: 'error',
      from: { path: '^packages/', pathNot: '(/test/|\\.test\\.ts$)' },
      to: { path: '^(services|tests|bench|scripts)/' },
    },
    {
      name: 'package-tests-use-only-the-harness',
      severity: 'error',
      from: { path: '^packages/[^/]+/test/' },
      to: { path: '^(services|bench|scripts)/' },
    },
    {
      name: 'contracts-stay-pure',
      comment: 'Contracts hold schemas, subjects and types: no NATS, Mongo, Express or logging.',
      severity: 'error',
      from: { path: '^packages/contracts/' },
      to: { path: '(^packages/(?!contracts/))|node_modules/(@nats-io|mongoose|mongodb|express|pino)' },
    },
    {
      name: 'production-code-does-not-import-tests',
      severity: 'error',
      from: { path: '^(packages|services)/[^/]+/src/', pathNot: '\\.test\\.ts$' },
      to: { path: '(^tests/)|(/test/)|(\\.test\\.ts$)' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(node_modules|dist|\\.tools|\\.data)' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['@jobwire/source', 'import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
  },
};
