// The import boundaries of the repository, checked by `npm run check:boundaries` (part of `npm test`).
// docs/architecture.md explains the layers; a violation names the rule below that it breaks.
//
// Server layers (packages/server/src), arrows pointing down only:
//   api/ · realtime/ · jobs/   transports: HTTP routes, sockets and the bus, timers
//   usecases/                  commands (ctx, input) → result, shared by transports
//   domain/<aggregate>/        repo.ts (the only SQL) + rules.ts (pure rules)
//   infra/                     database, migrations, blobs, mail, secrets at rest
//   kernel/                    errors, actor, events, ids, SigV4, config: importable from every layer
const SERVER = '^packages/server/src/';
const layer = (name) => `${SERVER}${name}/`;
/** Tests sit beside the code they test and may drive it through any layer. */
const TESTS = '\\.test\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import circles anywhere in packages/: a circle means two modules cannot be understood apart.',
      from: { path: '^packages/' },
      to: { circular: true },
    },
    {
      name: 'no-cross-package-relative-import',
      severity: 'error',
      comment: 'A package imports another only through its package entry (@enclave/<name>), never by a relative path into its files.',
      from: { path: '^packages/([^/]+)/' },
      to: { dependencyTypes: ['local'], pathNot: '^packages/$1/' },
    },
    {
      name: 'no-deep-package-import',
      severity: 'error',
      comment: "Another package's sources are reached only through its declared entries (package.json exports), not src/ paths.",
      from: { path: '^packages/([^/]+)/' },
      to: { path: '^packages/([^/]+)/src/', pathNot: '^packages/$1/' },
    },
    {
      name: 'kernel-imports-nothing-above-it',
      severity: 'error',
      comment: 'kernel/ is the bottom every layer may use: errors, actor, events, ids, SigV4, config. It knows no feature.',
      from: { path: layer('kernel'), pathNot: TESTS },
      to: { path: `${SERVER}(infra|domain|usecases|api|realtime|jobs)/|${SERVER}(app|index|audit)\\.ts$` },
    },
    {
      name: 'infra-knows-no-domain',
      severity: 'error',
      comment: 'infra/ (database, migrations, blobs, mail, secrets) serves the layers above and never imports them.',
      from: { path: layer('infra'), pathNot: TESTS },
      to: { path: `${SERVER}(domain|usecases|api|realtime|jobs)/|${SERVER}(app|index|audit)\\.ts$` },
    },
    {
      name: 'domain-knows-no-use-case-or-transport',
      severity: 'error',
      comment: 'domain/ (repositories and rules) is used by use cases and transports, never the other way round.',
      from: { path: layer('domain'), pathNot: TESTS },
      to: { path: `${SERVER}(usecases|api|realtime|jobs)/|${SERVER}(app|index|audit)\\.ts$` },
    },
    {
      name: 'use-cases-know-no-transport',
      severity: 'error',
      comment: 'usecases/ are shared by transports: they return results and emit events, they do not call HTTP, sockets or jobs.',
      from: { path: layer('usecases'), pathNot: TESTS },
      to: { path: `${SERVER}(api|realtime|jobs)/|${SERVER}(app|index|audit)\\.ts$` },
    },
    {
      name: 'transports-are-independent',
      severity: 'error',
      comment: 'api/, realtime/ and jobs/ do not import each other upwards: jobs and realtime never import the HTTP routes.',
      from: { path: `${SERVER}(realtime|jobs)/`, pathNot: TESTS },
      to: { path: `${SERVER}api/|${SERVER}(app|index|audit)\\.ts$` },
    },
    {
      name: 'only-the-entry-points-wire',
      severity: 'error',
      comment: 'app.ts wires the server; only the package entry points (index.ts) import it.',
      from: { path: SERVER, pathNot: `${SERVER}index\\.ts$` },
      to: { path: `${SERVER}app\\.ts$` },
    },
    {
      name: 'protocol-is-pure',
      severity: 'error',
      comment: 'The protocol package (wire schemas and E2E crypto) depends on no other workspace package.',
      from: { path: '^packages/protocol/' },
      to: { path: '^packages/(?!protocol/)' },
    },
    {
      name: 'client-knows-only-protocol',
      severity: 'error',
      comment: 'The client SDK runs in browsers and bots: it depends on the protocol package only, never on the server.',
      from: { path: '^packages/client/' },
      to: { path: '^packages/(?!client/|protocol/)' },
    },
    {
      name: 'web-is-a-client',
      severity: 'error',
      comment: 'The web apps use the client SDK, the protocol and the admin API contract; never the server, the CLI or the bot.',
      from: { path: '^packages/web/' },
      to: { path: '^packages/(server|cli|retention-bot)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'types', 'default'],
      extensions: ['.ts', '.tsx', '.js', '.mjs'],
      mainFields: ['types', 'module', 'main'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
