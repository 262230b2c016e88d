/** Dependency rules from CONVENTIONS.md, checked in `npm test`. */
const ADAPTERS = '^src/(smtp|imap|jmap|dav|http)/';
const DOMAINS = '^src/(accounts|auth|mail|queue|security|filters|calendar|contacts|files|admin|mime|store|blobs|config|log|tls)/';
module.exports = {
  forbidden: [
    {
      name: 'pure-proto-and-mime',
      comment: '*/proto/ and mime/ import nothing of ours but other pure modules',
      severity: 'error',
      from: { path: '^src/(mime/|[^/]+/proto/)' },
      to: { path: '^src/', pathNot: ['^src/(mime/|[^/]+/proto/)', '^src/store/ids\\.ts$'] },
    },
    {
      name: 'domains-never-import-adapters',
      severity: 'error',
      from: { path: DOMAINS },
      to: { path: ADAPTERS },
    },
    {
      name: 'adapters-never-choose-backends',
      severity: 'error',
      from: { path: ADAPTERS },
      to: { path: '^src/store/(sqlite|postgres)/' },
    },
    {
      name: 'adapters-never-import-kysely',
      comment: 'Adapters never write SQL: queries live in the domain services (src/mail, src/queue, ...)',
      severity: 'error',
      from: { path: ADAPTERS },
      to: { path: '(^|/)node_modules/kysely/' },
    },
    {
      name: 'web-imports-no-server-code',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^src/' },
    },
    {
      name: 'no-circular-between-folders',
      severity: 'warn',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // node_modules stay in the graph as leaves (doNotFollow) so a rule can name a package (kysely).
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
  },
};
